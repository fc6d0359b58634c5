//! `serve` (alias `server`)

use super::args::ServeArgs;
use super::context::Context;
use crate::server::{ServeOptions, serve};
use milvus_backup_tui::Result;

pub async fn run(ctx: Context, args: &ServeArgs) -> Result<()> {
    let mut listen = args.listen;
    if let Some(p) = args.port {
        listen.set_port(p);
    }
    serve(ServeOptions {
        listen,
        config: ctx.config,
        cluster: ctx.cluster,
    })
    .await
}
