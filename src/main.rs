//! The `setkey` binary: parse the command line, run one mode, map the outcome to an exit status.

mod cli;
mod commands;

use clap::Parser;

use cli::Cli;
use commands::check::{self, CheckOptions};
use setkey::compile::CompileOptions;
use setkey::pfkey::Dialect;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let status = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(status);
        }
    };
    std::process::exit(run(&cli));
}

fn run(cli: &Cli) -> i32 {
    let Some(dialect) = cli.target.or_else(Dialect::host) else {
        eprintln!("setkey: this host has no default PF_KEY dialect; give --target netbsd|freebsd|linux");
        return 1;
    };
    if cli.file.is_some() || cli.stdin {
        if !cli.dry_run {
            eprintln!("setkey: sending to the kernel is not available yet; use -n to check a script");
            return 1;
        }
        let script = match commands::input::read_script(cli.file.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        };
        let opts = CheckOptions {
            compile: CompileOptions {
                dialect,
                pid: std::process::id(),
                linux_fwd_copy: !cli.kernel_mode,
            },
            verbose: cli.verbose,
            hex: cli.hex_dump(),
        };
        return check::run(&script, &opts);
    }
    eprintln!("setkey: nothing to do; see setkey --help");
    1
}
