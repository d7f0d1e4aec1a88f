//! A supplier's product library: products, versions, certificates.

use crate::model::{
    AnswerInput, AppError, CertificateForm, ProductAnswerSet, ProductAnswerVersionDto, ProductDto,
    ProductForm, ProductLibrary,
};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{product_answers, products},
};
use leptos::prelude::*;

/// The supplier's products (with versions and certificates) and its
/// organization's certificates.
#[server(endpoint = "list_products")]
pub async fn list_products() -> Result<ProductLibrary, AppError> {
    as_actor(|actor, state| async move { products::library(&actor, &state).await }).await
}

/// One of the supplier's products.
#[server(endpoint = "get_product")]
pub async fn get_product(product_id: i64) -> Result<ProductDto, AppError> {
    as_actor(|actor, state| async move { products::product(&actor, &state, product_id).await })
        .await
}

/// A new product (`product[name]`, `[kind]`: component, system or service,
/// `[component_type]` for a component, `[description]`).
#[server(endpoint = "create_product")]
pub async fn create_product(#[server(default)] product: ProductForm) -> Result<i64, AppError> {
    as_actor(|actor, state| async move { products::create_product(&actor, &state, &product).await })
        .await
}

/// A new version of a product, with its release and end-of-support dates.
#[server(endpoint = "add_product_version")]
pub async fn add_product_version(
    product_id: i64,
    #[server(default)] version: String,
    #[server(default)] released_on: String,
    #[server(default)] end_of_support: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        products::add_version(
            &actor,
            &state,
            product_id,
            &version,
            &released_on,
            &end_of_support,
        )
        .await
    })
    .await
}

/// A certificate for a product version, or (`product_version_id` empty)
/// for the organization: `certificate[scheme]`, `[scheme_name]`, `[part]`,
/// `[levels]`, `[number]`, `[scope]`, `[issuer]`, `[issued_on]`,
/// `[expires_on]`.
#[server(endpoint = "add_certificate")]
pub async fn add_certificate(
    #[server(default)] product_version_id: String,
    #[server(default)] certificate: CertificateForm,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        let version = match product_version_id.trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        };
        products::add_certificate(&actor, &state, version, &certificate).await
    })
    .await
}

/// A product version's answer set: every requirement of the catalog that
/// fits the product, its answer, and what differs from the previous version.
#[server(endpoint = "get_product_answers")]
pub async fn get_product_answers(product_version_id: i64) -> Result<ProductAnswerSet, AppError> {
    as_actor(|actor, state| async move {
        product_answers::answer_set(&actor, &state, product_version_id).await
    })
    .await
}

/// Saves one answer of a product version (`answer[…]` as for an assessment
/// answer; `version`: the one the editor started from, 0 for a first
/// answer). Returns the new version.
#[server(endpoint = "save_product_answer")]
pub async fn save_product_answer(
    product_version_id: i64,
    ref_id: String,
    #[server(default)] version: i32,
    #[server(default)] answer: AnswerInput,
) -> Result<i32, AppError> {
    as_actor(|actor, state| async move {
        product_answers::save(
            &actor,
            &state,
            product_version_id,
            &ref_id,
            &answer,
            version,
        )
        .await
    })
    .await
}

/// Every saved state of one answer of a product version, newest first.
#[server(endpoint = "product_answer_history")]
pub async fn product_answer_history(
    product_version_id: i64,
    ref_id: String,
) -> Result<Vec<ProductAnswerVersionDto>, AppError> {
    as_actor(|actor, state| async move {
        product_answers::history(&actor, &state, product_version_id, &ref_id).await
    })
    .await
}

/// "Fill from product": binds the supplier's assessment to one of its
/// product versions and fills empty answers from that version's answers
/// and certificates; says what it filled, kept and could not cover.
#[server(endpoint = "fill_from_product")]
pub async fn fill_from_product(
    assessment_id: crate::model::AssessmentId,
    product_version_id: i64,
) -> Result<crate::model::FillReport, AppError> {
    as_actor(|actor, state| async move {
        product_answers::fill_assessment(&actor, &state, assessment_id, product_version_id).await
    })
    .await
}
