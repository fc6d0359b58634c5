//! Compiles the project's own subset of Milvus's protocol (`proto/*.proto`) with `protox`
//! (pure Rust, no `protoc`) and generates a tonic client with `tonic-prost-build`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "proto/common.proto",
        "proto/schema.proto",
        "proto/milvus.proto",
    ];
    for p in &protos {
        println!("cargo:rerun-if-changed={p}");
    }
    let fds = protox::compile(protos, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(false)
        // No transport helpers: their generated `connect` constructor clashes (E0592) with
        // the method generated for Milvus's `rpc Connect`.
        .build_transport(false)
        .compile_fds(fds)?;
    Ok(())
}
