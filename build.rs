//! Generates the fast recognizer for `src/grammar.pest` (see `build/codegen.rs`).

#[path = "build/codegen.rs"]
mod codegen;

fn main() {
    let grammar_path = "src/grammar.pest";
    println!("cargo:rerun-if-changed={grammar_path}");
    println!("cargo:rerun-if-changed=build/codegen.rs");
    println!("cargo:rerun-if-changed=build/byte_sets.rs");
    let grammar = std::fs::read_to_string(grammar_path).expect("src/grammar.pest is readable");
    let source = match codegen::generate(&grammar) {
        Ok(source) => source,
        Err(message) => panic!("{grammar_path}: {message}"),
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("grammar_machine.rs");
    std::fs::write(&out, source).expect("OUT_DIR is writable");
}
