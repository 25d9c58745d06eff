//! The server's test suite, on SQLite and on the PostgreSQL that `cargo xtask test` starts
//! (PRISME_TEST_POSTGRES). One binary, so that it links once.

mod api;
mod auth_matrix;
mod bad_input;
mod concurrency;
mod process;
mod support;
