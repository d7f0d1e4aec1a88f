//! Pactline's database schema, as sea-orm migrations.
//!
//! One file per change, named `mYYYYMMDD_NNNNNN_<what>.rs`. The same migrations
//! produce identical schemas on SQLite and PostgreSQL; nothing here may use a
//! feature only one of them has.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_foundation;
mod m20261128_000002_catalogs;
mod m20261128_000003_profiles;
mod m20261128_000004_catalog_origin;
mod m20261128_000005_engagements;
mod m20261128_000006_reviews;
mod m20261128_000007_assessors;
mod m20261128_000008_commitments;
mod m20261202_000009_invitation_attempts;
mod m20261203_000010_outbox_delivery;
mod m20261203_000011_blobs;
mod m20261203_000012_audit_key;
mod m20261204_000013_partner_invitations;
mod m20261206_000014_mail_preferences;
mod m20261206_000015_session_devices;
mod m20261206_000016_second_factor;
mod m20261206_000017_second_factor_policy;
mod m20261206_000018_single_sign_on;
mod m20261206_000019_passkeys;
mod m20261207_000020_sealed_secrets;
mod m20261207_000021_api_tokens;
mod m20261207_000022_idempotency_keys;
mod m20261207_000023_webhooks;
mod m20261207_000024_assessment_progress;
mod m20261208_000025_security_program;
mod m20261208_000026_zones;
mod m20261208_000027_countermeasures;
mod m20261209_000028_countermeasure_reviews;
mod m20261209_000029_products;
mod m20261209_000030_product_answers;
mod m20261209_000031_assessment_product;
mod m20261210_000032_product_sharing;
mod m20261210_000033_assessment_renewals;
mod m20261211_000034_library_evidence;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_catalogs::Migration),
            Box::new(m20261128_000003_profiles::Migration),
            Box::new(m20261128_000004_catalog_origin::Migration),
            Box::new(m20261128_000005_engagements::Migration),
            Box::new(m20261128_000006_reviews::Migration),
            Box::new(m20261128_000007_assessors::Migration),
            Box::new(m20261128_000008_commitments::Migration),
            Box::new(m20261202_000009_invitation_attempts::Migration),
            Box::new(m20261203_000010_outbox_delivery::Migration),
            Box::new(m20261203_000011_blobs::Migration),
            Box::new(m20261203_000012_audit_key::Migration),
            Box::new(m20261204_000013_partner_invitations::Migration),
            Box::new(m20261206_000014_mail_preferences::Migration),
            Box::new(m20261206_000015_session_devices::Migration),
            Box::new(m20261206_000016_second_factor::Migration),
            Box::new(m20261206_000017_second_factor_policy::Migration),
            Box::new(m20261206_000018_single_sign_on::Migration),
            Box::new(m20261206_000019_passkeys::Migration),
            Box::new(m20261207_000020_sealed_secrets::Migration),
            Box::new(m20261207_000021_api_tokens::Migration),
            Box::new(m20261207_000022_idempotency_keys::Migration),
            Box::new(m20261207_000023_webhooks::Migration),
            Box::new(m20261207_000024_assessment_progress::Migration),
            Box::new(m20261208_000025_security_program::Migration),
            Box::new(m20261208_000026_zones::Migration),
            Box::new(m20261208_000027_countermeasures::Migration),
            Box::new(m20261209_000028_countermeasure_reviews::Migration),
            Box::new(m20261209_000029_products::Migration),
            Box::new(m20261209_000030_product_answers::Migration),
            Box::new(m20261209_000031_assessment_product::Migration),
            Box::new(m20261210_000032_product_sharing::Migration),
            Box::new(m20261210_000033_assessment_renewals::Migration),
            Box::new(m20261211_000034_library_evidence::Migration),
        ]
    }
}
