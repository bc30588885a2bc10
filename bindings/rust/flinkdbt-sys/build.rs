// Finds libflinkdbt.so: the directory in FLINKDBT_LIB_DIR (the build tree's lib/ in CTest), else
// pkg-config's libdir for flinkdbt, else wherever the linker looks by default. Dependents read the
// directory as DEP_FLINKDBT_LIB_DIR (the safe crate adds it to its binaries' rpath).
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=FLINKDBT_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let dir = env::var("FLINKDBT_LIB_DIR").ok().filter(|d| !d.is_empty()).or_else(|| {
        let out = Command::new("pkg-config").args(["--variable=libdir", "flinkdbt"]).output().ok()?;
        let dir = String::from_utf8(out.stdout).ok()?.trim().to_string();
        if out.status.success() && !dir.is_empty() {
            Some(dir)
        } else {
            None
        }
    });
    if let Some(dir) = dir {
        println!("cargo:rustc-link-search=native={}", dir);
        println!("cargo:lib_dir={}", dir);
        // This crate's own tests find the library at run time too.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
    println!("cargo:rustc-link-lib=dylib=flinkdbt");
}
