//! A supplier's product library: products, versions, certificates.

use crate::model::{
    AnswerInput, AppError, CertificateForm, ProductAnswerSet, ProductAnswerVersionDto, ProductDto,
    ProductForm, ProductLibrary, SharedSet, SharedSetSummary, VersionSharing,
};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{product_answers, product_shares, products},
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
/// and certificates (with `replace` set, answers already given too); says
/// what it filled, kept, replaced and could not cover.
#[server(endpoint = "fill_from_product")]
pub async fn fill_from_product(
    assessment_id: crate::model::AssessmentId,
    product_version_id: i64,
    #[server(default)] replace: Option<String>,
) -> Result<crate::model::FillReport, AppError> {
    as_actor(|actor, state| async move {
        // A checkbox: sent ("yes") when ticked, absent otherwise.
        let replace = replace.is_some_and(|v| matches!(v.trim(), "yes" | "true" | "on"));
        product_answers::fill_assessment(&actor, &state, assessment_id, product_version_id, replace)
            .await
    })
    .await
}

/// Who a product version's answer set is shared with, and with whom it
/// could be shared.
#[server(endpoint = "product_sharing")]
pub async fn product_sharing(product_version_id: i64) -> Result<VersionSharing, AppError> {
    as_actor(|actor, state| async move {
        product_shares::sharing(&actor, &state, product_version_id).await
    })
    .await
}

/// Shares a product version's answer set with one asset owner the supplier
/// works with.
#[server(endpoint = "share_product_version")]
pub async fn share_product_version(
    product_version_id: i64,
    #[server(default)] owner_org_id: i64,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        product_shares::share(&actor, &state, product_version_id, owner_org_id).await
    })
    .await
}

/// Revokes a share: the owner no longer sees the set.
#[server(endpoint = "revoke_product_share")]
pub async fn revoke_product_share(share_id: i64) -> Result<(), AppError> {
    as_actor(|actor, state| async move { product_shares::revoke(&actor, &state, share_id).await })
        .await
}

/// The product answer sets suppliers shared with the asset owner.
#[server(endpoint = "list_shared_sets")]
pub async fn list_shared_sets() -> Result<Vec<SharedSetSummary>, AppError> {
    as_actor(|actor, state| async move { product_shares::shared_with_us(&actor, &state).await })
        .await
}

/// One shared answer set, read-only, with certificates and changes.
#[server(endpoint = "get_shared_set")]
pub async fn get_shared_set(share_id: i64) -> Result<SharedSet, AppError> {
    as_actor(
        |actor, state| async move { product_shares::shared_set(&actor, &state, share_id).await },
    )
    .await
}

/// Asks for updated answers on the owner's assessments about a shared
/// version because one of its answers changed. Returns how many answers
/// were asked about.
#[server(endpoint = "ask_shared_update")]
pub async fn ask_shared_update(share_id: i64, change_id: i64) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        product_shares::ask_update(&actor, &state, share_id, change_id).await
    })
    .await
}

/// Sends a questionnaire about a shared version to its supplier, bound to
/// the version.
#[server(endpoint = "send_about_shared")]
pub async fn send_about_shared(
    share_id: i64,
    #[server(default)] engagement_id: String,
    #[server(default)] profile_id: String,
    #[server(default)] due_on: String,
    #[server(default)] message: String,
) -> Result<crate::model::AssessmentId, AppError> {
    as_actor(|actor, state| async move {
        let engagement = engagement_id
            .trim()
            .parse()
            .map(crate::model::EngagementId)
            .map_err(|_| AppError::invalid("engagement_id", "Choose an engagement."))?;
        let profile = profile_id
            .trim()
            .parse()
            .map(crate::model::ProfileId)
            .map_err(|_| AppError::invalid("profile_id", "Choose a published profile."))?;
        let input = crate::model::SendInput::parse(&due_on, &message)?;
        product_shares::send_about(&actor, &state, share_id, engagement, profile, input).await
    })
    .await
}

/// Reads the id field `field` and the file of a library upload.
#[cfg(feature = "ssr")]
async fn library_upload(
    data: server_fn::codec::MultipartData,
    field: &str,
    missing: &str,
) -> Result<(i64, String, Vec<u8>), AppError> {
    let max = crate::server::services::evidence_files::MAX_EVIDENCE_BYTES;
    let (fields, filename, bytes) = crate::server::import::read_form(data, max).await?;
    let id = fields
        .iter()
        .find(|(k, _)| k == field)
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .ok_or_else(|| AppError::invalid(field, missing))?;
    Ok((id, filename, bytes))
}

/// Attaches a file to a product version's answer (multipart fields
/// `product_answer_id` and `file`).
#[server(endpoint = "upload_product_evidence", input = server_fn::codec::MultipartFormData)]
pub async fn upload_product_evidence(
    data: server_fn::codec::MultipartData,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        let (id, filename, bytes) = library_upload(
            data,
            "product_answer_id",
            "Which answer is this evidence for?",
        )
        .await?;
        crate::server::services::library_evidence::add_answer_file(
            &actor, &state, id, &filename, bytes,
        )
        .await
    })
    .await
}

/// Attaches a link (http or https) to a product version's answer.
#[server(endpoint = "add_product_evidence_link")]
pub async fn add_product_evidence_link(
    product_answer_id: i64,
    title: String,
    url: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        let link = crate::model::EvidenceLink::parse(&title, &url)?;
        crate::server::services::library_evidence::add_answer_link(
            &actor,
            &state,
            product_answer_id,
            link,
        )
        .await
    })
    .await
}

/// Keeps a certificate's file (multipart fields `certificate_id` and
/// `file`), replacing the one kept before.
#[server(endpoint = "upload_certificate_file", input = server_fn::codec::MultipartFormData)]
pub async fn upload_certificate_file(
    data: server_fn::codec::MultipartData,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        let (id, filename, bytes) =
            library_upload(data, "certificate_id", "Which certificate is this file of?").await?;
        crate::server::services::library_evidence::set_certificate_file(
            &actor, &state, id, &filename, bytes,
        )
        .await
    })
    .await
}

/// Removes a file or link from the product library.
#[server(endpoint = "remove_library_evidence")]
pub async fn remove_library_evidence(library_evidence_id: i64) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        crate::server::services::library_evidence::remove(&actor, &state, library_evidence_id).await
    })
    .await
}
