//! What every subcommand starts from: the configuration and the chosen cluster.

use super::args::GlobalArgs;
use milvus_backup_tui::Result;
use milvus_backup_tui::config::{self, Config, ConfigSource, MilvusConfig};
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::storage::{CopySettings, Role, Store, parse_rate};

pub struct Context {
    pub config: Config,
    pub cluster: Option<String>,
    pub quiet: bool,
}

impl Context {
    pub fn load(args: &GlobalArgs) -> Result<Context> {
        let config = config::load(&ConfigSource {
            file: args.config.clone(),
            overrides: args.overrides.clone(),
        })?;
        for w in &config.warnings {
            eprintln!("warning: {w}");
        }
        let ctx = Context {
            config,
            cluster: args.cluster.clone(),
            quiet: args.quiet,
        };
        ctx.milvus_config()?;
        Ok(ctx)
    }

    pub fn milvus_config(&self) -> Result<&MilvusConfig> {
        self.config.cluster(self.cluster.as_deref())
    }

    pub async fn connect(&self) -> Result<MilvusClient> {
        let cfg = self.milvus_config()?;
        if !self.quiet {
            eprintln!("connecting to Milvus at {} ...", cfg.address);
        }
        MilvusClient::connect(cfg).await
    }

    pub fn milvus_store(&self) -> Result<Store> {
        Store::open(&self.milvus_config()?.storage, Role::Milvus)
    }

    pub fn backup_store(&self) -> Result<Store> {
        Store::open(&self.config.backup.storage, Role::Backup)
    }

    /// How copies are made: `--max-rate` (if given) over `[backup] max_bytes_per_second`.
    pub fn copy_settings(&self, max_rate: Option<&str>) -> Result<CopySettings> {
        let limit = max_rate
            .map(|text| {
                parse_rate(text)
                    .map_err(|e| milvus_backup_tui::Error::invalid(format!("--max-rate: {e}")))
            })
            .transpose()?;
        Ok(CopySettings::from_config(&self.config.backup, limit))
    }
}
