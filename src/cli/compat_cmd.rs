//! `compat`

use super::args::CompatArgs;
use milvus_backup_tui::Result;
use milvus_backup_tui::compat::Matrix;

pub fn run(args: &CompatArgs) -> Result<()> {
    let matrix = Matrix::load();
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let cell = matrix.verdict(from, to);
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&cell).unwrap_or_default()
            );
        } else {
            println!("{} -> {}: {:?}", cell.from, cell.to, cell.verdict);
            println!("  {}", cell.reason);
            match &cell.proven_by {
                Some(t) => println!("  proven by this project's test `{t}`"),
                None => println!("  not proven by this project's tests"),
            }
        }
        return Ok(());
    }
    let versions = matrix.versions();
    if args.json {
        let cells: Vec<_> = versions
            .iter()
            .flat_map(|f| versions.iter().map(|t| matrix.verdict(f, t)))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&cells).unwrap_or_default()
        );
        return Ok(());
    }
    print!("backup from \\ restore into");
    for t in versions {
        print!(" {t:>10}");
    }
    println!();
    for f in versions {
        print!("{f:>26}");
        for t in versions {
            let cell = matrix.verdict(f, t);
            let mark = format!(
                "{:?}{}",
                cell.verdict,
                if cell.proven_by.is_some() { "*" } else { "" }
            );
            print!(" {mark:>10}");
        }
        println!();
    }
    println!("\n* proven by this project's own tests against real servers.");
    println!("`compat --from A --to B` gives the reason for one pair.");
    Ok(())
}
