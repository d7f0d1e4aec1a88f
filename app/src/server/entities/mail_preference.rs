use crate::model::{MailDelivery, MailTopic, UserId};
use sea_orm::entity::prelude::*;

/// How one user wants e-mail about one kind of notification.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic: MailTopic,
    pub delivery: MailDelivery,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Part of the primary key; never an auto-increment value.
impl sea_orm::TryFromU64 for MailTopic {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64("MailTopic"))
    }
}
