//! The SQL of evaluations, by what it serves: the pages that read them, a
//! run and a publication (with the scoring inputs), and the override and
//! objections of one assessment.

pub mod board;
pub mod objections;
pub mod runs;

pub use board::*;
