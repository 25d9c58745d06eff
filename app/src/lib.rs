//! Prisme's web front end: a thin Leptos page over the core, which runs in a Web Worker.
//!
//! - [`ui`]: the page (components, state);
//! - [`engine`]: the page's handle on the worker;
//! - [`worker`]: the worker's side (runs the core);
//! - [`protocol`]: the messages between them;
//! - [`i18n`]: French and English texts and number formats;
//! - [`store`]: the state pages share; [`charts`]: the chart kit; [`export`]: downloads.

pub mod charts;
pub mod engine;
pub mod export;
pub mod i18n;
pub mod persist;
pub mod pool;
pub mod protocol;
pub mod store;
pub mod sync;
pub mod ui;
pub mod worker;
