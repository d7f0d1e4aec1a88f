//! sea-orm entities, one per table. Tenant data among them is loaded only
//! through `server::scoped`.

pub mod answer;
pub mod answer_version;
pub mod assessment;
pub mod audit_chain;
pub mod audit_event;
pub mod catalog;
pub mod comment;
pub mod commitment;
pub mod engagement;
pub mod engagement_assessor;
pub mod evidence;
pub mod invitation;
pub mod login_attempt;
pub mod membership;
pub mod organization;
pub mod outbox;
pub mod password_reset;
pub mod profile;
pub mod profile_item;
pub mod requirement;
pub mod review;
pub mod session;
pub mod supplier_link;
pub mod user;
