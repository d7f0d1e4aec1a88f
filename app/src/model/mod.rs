//! Types shared by the server and the browser: ids, enums from the domain
//! vocabulary, validated inputs and the DTOs that cross the wire.

mod abilities;
mod answer;
mod assessment;
mod catalog;
mod clock;
mod commitment;
mod compare;
mod dashboard;
mod error;
mod ids;
#[cfg(feature = "ssr")]
mod input;
mod matrix;
mod org;
mod password;
mod product;
mod profile;
mod program;
mod review;
mod stored;
mod zone;

pub use abilities::{assessment_abilities, AssessmentAbilities};
pub use answer::*;
pub use assessment::*;
pub use catalog::*;
pub use clock::*;
pub use commitment::*;
pub use compare::*;
pub use dashboard::*;
pub use error::{AppError, FieldError};
pub use ids::*;
#[cfg(feature = "ssr")]
pub use input::*;
pub use matrix::*;
pub use org::*;
pub use password::{check_password_shape, PASSWORD_MAX, PASSWORD_MIN};
pub use product::*;
pub use profile::*;
pub use program::*;
pub use review::*;
pub use stored::{from_name, name, Stored, UnknownName};
pub use zone::*;
