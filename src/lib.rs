//! wenming (文明): a static site generator for Chinese civilization-campaign websites.
//!
//! The pipeline runs one way: `config` → `content` (load and render Markdown) → `site` (link:
//! URLs, sections, taxonomies, pagination; a [`site::UnexpandedSite`]) → shortcodes expanded
//! (`render::shortcodes`, which alone makes the [`site::Site`] the later stages read) — this
//! front half is one function, [`pipeline::load_site`], shared by `build`, `check` and
//! `serve` — then `check` (editorial rules over the site) → `render` (Tera templates) →
//! `output` (write the files atomically). [`build::build`] runs it all; [`serve::serve`] keeps
//! it in memory and re-renders what an edit touches, as `render::changes` (which knows what
//! each page reads) tells it. All the problems of a run are one [`error::Diagnostics`]. The
//! library never prints.
//! `docs/architecture.md` shows which module owns what.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod desk;
pub mod error;
pub mod fuzz;
pub mod import;
pub mod markdown;
pub mod media;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod vocabulary;
pub mod yaml;
