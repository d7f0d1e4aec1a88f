//! HTTP-level tests: the real router on a random port, against a fresh
//! database per test, each test once on SQLite and once on PostgreSQL.

mod common;

mod accounts;
mod assessments;
mod catalogs;
mod cli;
mod commitments;
mod comparison;
mod demo;
mod hostile;
mod isolation;
mod members;
mod profiles;
mod races;
mod web;
