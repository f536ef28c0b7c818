//! Integration tests: the real router against a real PostgreSQL.
//!
//! One test binary (so one private cluster per run); each test gets a fresh
//! database cloned from a migrated template.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod harness;
mod hostile;

mod access;
mod api;
mod auth;
mod backup;
mod browser;
mod cli;
mod dashboard;
mod demands;
mod demo;
mod department_admin;
mod disputes;
mod enterprises;
mod evaluations;
mod faults;
mod hazards;
mod incidents;
mod input;
mod pages;
mod policies;
mod pushes;
mod query_counts;
mod reports;
mod security;
mod seed;
mod trainings;
mod visits;
mod webhooks;
