//! wenming (文明): a static site generator for Chinese civilization-campaign websites.
//!
//! The pipeline runs one way: `config` → `content` (load and render Markdown) → `site` (link:
//! URLs, sections, taxonomies, pagination) → `render` (shortcode outputs put into the model,
//! then Tera templates) → `output` (write the files atomically). [`build::build`] runs it
//! all; [`serve::serve`] keeps it in memory and rebuilds what an edit touches. The library
//! never prints.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod fuzz;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod yaml;
