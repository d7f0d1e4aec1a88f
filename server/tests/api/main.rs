//! HTTP-level tests: the real router on a random port, against a fresh
//! database per test, each test once on SQLite and once on PostgreSQL.

mod common;

mod accounts;
mod assessments;
mod audit;
mod catalogs;
mod cli;
mod commitments;
mod comparison;
mod demo;
mod durability;
mod events;
mod evidence;
mod hostile;
mod isolation;
mod library;
mod mail;
mod matrix;
mod members;
mod page_queries;
mod passkeys;
mod passwords;
mod products;
mod profiles;
mod program;
mod races;
mod renewals;
mod rest;
mod rest_flows;
mod reviews;
mod sso;
mod web;
mod webhooks;
mod workbooks;
mod zones;
