//! A supplier's product library: products (a component of a type, a
//! system, or a service offering), their versions (release, end of
//! support), and certificates for a version or for the organization as a
//! whole (scheme, the 62443 part certified against, the level per FR or the
//! maturity level, number, scope, issuer, validity).

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("products")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("name", 200))
                .col(string_len("kind", 20))
                .col(string_len_null("component_type", 10))
                .col(text("description"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_products_org",
                    ("products", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_products_name",
            "products",
            &["organization_id", "name"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("product_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("product_id"))
                .col(string_len("version", 100))
                .col(date_null("released_on"))
                .col(date_null("end_of_support"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_product_versions_product",
                    ("product_versions", "product_id"),
                    ("products", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_product_versions_version",
            "product_versions",
            &["product_id", "version"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("certificates")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer_null("product_version_id"))
                .col(string_len("scheme", 30))
                .col(string_len("scheme_name", 200))
                .col(string_len("part", 10))
                .col(string_len("levels", 20))
                .col(string_len("number", 200))
                .col(text("scope"))
                .col(string_len("issuer", 200))
                .col(date("issued_on"))
                .col(date("expires_on"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_certificates_org",
                    ("certificates", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_certificates_org",
            "certificates",
            &["organization_id", "expires_on"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["certificates", "product_versions", "products"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
