//! Organizations, users, memberships, invitations, sessions, password resets,
//! login attempts and the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(crate) fn fk(
    name: &str,
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

pub(crate) fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organizations")
                .col(big_pk_auto("id"))
                .col(string_len("name", 200))
                .col(string_len_uniq("name_key", 200))
                .col(string_len("kinds", 200))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("email", 254))
                .col(string_len("display_name", 200))
                .col(string_len("password_hash", 200))
                .col(boolean("is_active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("password_changed_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("memberships")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("organization_id"))
                .col(string_len("role", 20))
                .col(boolean("is_active"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_memberships_user",
                    ("memberships", "user_id"),
                    ("users", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_memberships_org",
                    ("memberships", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_memberships_user_org",
            "memberships",
            &["user_id", "organization_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_memberships_org",
            "memberships",
            &["organization_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("invitations")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("email", 254))
                .col(string_len("role", 20))
                .col(string_len_uniq("token_hash", 64))
                .col(big_integer_null("invited_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(
                    "fk_invitations_org",
                    ("invitations", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_invitations_org",
            "invitations",
            &["organization_id"],
            false,
        ))
        .await?;

        // An asset owner's suppliers: which organizations it has invited or linked.
        m.create_table(
            Table::create()
                .table("supplier_links")
                .col(big_pk_auto("id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer("supplier_org_id"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_supplier_links_owner",
                    ("supplier_links", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_supplier_links_supplier",
                    ("supplier_links", "supplier_org_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_supplier_links",
            "supplier_links",
            &["owner_org_id", "supplier_org_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_supplier_links_supplier",
            "supplier_links",
            &["supplier_org_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(string_len("id_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(big_integer("organization_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(string_len("client_addr", 64))
                .foreign_key(&mut fk(
                    "fk_sessions_user",
                    ("sessions", "user_id"),
                    ("users", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_sessions_org",
                    ("sessions", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_sessions_user", "sessions", &["user_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("password_resets")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk(
                    "fk_password_resets_user",
                    ("password_resets", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("login_attempts")
                .col(big_pk_auto("id"))
                .col(string_len("email", 254))
                .col(string_len("client_addr", 64))
                .col(boolean("succeeded"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_login_attempts_email",
            "login_attempts",
            &["email", "created_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_login_attempts_addr",
            "login_attempts",
            &["client_addr", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("outbox")
                .col(big_pk_auto("id"))
                .col(big_integer_null("organization_id"))
                .col(string_len("purpose", 40))
                .col(string_len("recipient", 254))
                .col(string_len("subject", 300))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_outbox_org",
            "outbox",
            &["organization_id", "created_at"],
            false,
        ))
        .await?;

        // The audit trail is a hash chain: each event stores the hash of the one
        // before it, and `audit_chain` holds the head. Events are only ever inserted.
        m.create_table(
            Table::create()
                .table("audit_chain")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string_len("head_hash", 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("audit_chain")
                .columns(["id", "seq", "head_hash"])
                .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("seq"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(big_integer_null("actor_user_id"))
                .col(big_integer_null("organization_id"))
                .col(string_len("action", 80))
                .col(string_len("object_type", 40))
                .col(string_len("object_id", 80))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(string_len("request_id", 64))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_audit_events_org",
            "audit_events",
            &["organization_id", "occurred_at"],
            false,
        ))
        .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_events",
            "audit_chain",
            "outbox",
            "login_attempts",
            "password_resets",
            "sessions",
            "supplier_links",
            "invitations",
            "memberships",
            "users",
            "organizations",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
