//! Server functions, one file per context. Each is one line of substance:
//! who is asking, then a service call (see `server::respond`).

pub mod account;
pub mod catalogs;
pub mod commitments;
pub mod engagements;
pub mod organization;
pub mod products;
pub mod profiles;
pub mod program;
pub mod reviews;
pub mod zones;
