//! Rebuilds the binary when the embedded default theme or the starter site changes, including added or removed
//! files (which `include_dir!` alone does not notice).

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=themes/default/templates");
    println!("cargo:rerun-if-changed=themes/default/templates/partials");
    println!("cargo:rerun-if-changed=themes/default/templates/shortcodes");
    println!("cargo:rerun-if-changed=themes/default/static");
    println!("cargo:rerun-if-changed=src/scaffold/starter");
}
