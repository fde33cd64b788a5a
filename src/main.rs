//! The `setkey` binary: parse the command line, run one mode, map the outcome to an exit status.

mod cli;
mod commands;

use clap::Parser;

use cli::Cli;
use commands::{
    apply, atomic, check, decode, doctor, dump, flush, input, interfaces, monitor, raw, resolve,
    script, sync,
};
use setkey::compile::CompileOptions;
use setkey::format::rejection::ScriptSource;
use setkey::pfkey::Dialect;

fn main() {
    // Like the C tool, end quietly when the reader of our output goes away (`setkey -D | head`).
    // SAFETY: setting a signal's disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let status = i32::from(e.use_stderr());
            let _ = e.print();
            std::process::exit(status);
        }
    };
    std::process::exit(run(&cli));
}

fn run(cli: &Cli) -> i32 {
    // Host and service names in scripts, through this system's resolver, as the C setkey.
    setkey::lang::names::set_resolvers(resolve::host, resolve::service);
    let Some(dialect) = cli.target.or_else(Dialect::host) else {
        eprintln!(
            "setkey: this host has no default PF_KEY dialect; give --target netbsd|freebsd|linux"
        );
        return 1;
    };
    let compile = CompileOptions {
        dialect,
        pid: std::process::id(),
        linux_fwd_copy: !cli.kernel_mode,
        interface_index: interfaces::index_of,
        require_interfaces: !cli.dry_run,
    };
    if cli.not_an_option_d {
        // NetBSD's and Linux's ipsec-tools setkey.c lists 'd' for getopt but has no case for
        // it, so it prints its usage and exits 1; FreeBSD 14's has no 'd' at all.
        eprintln!("setkey: -d is not an option of setkey; see setkey --help");
        return 1;
    }
    if let Some(limit) = cli.max_input {
        input::set_max_input(limit);
    }
    if let Some(limit) = cli.max_errors {
        script::set_max_errors(limit);
    }
    if let Some(path) = &cli.send_raw {
        return raw::send_raw(path, dialect, raw::Pace::OneAtATime);
    }
    if let Some(path) = &cli.send_raw_ahead {
        return raw::send_raw(path, dialect, raw::Pace::Ahead);
    }
    let script_only = [
        (cli.atomic, "--atomic"),
        (cli.diff, "--diff"),
        (cli.sync, "--sync"),
    ];
    if let Some((_, name)) = script_only.iter().find(|(given, _)| *given) {
        if cli.file.is_none() && !cli.stdin {
            eprintln!("setkey: {name} goes with a script: -f FILE or -c");
            return 1;
        }
    }
    if cli.file.is_some() || cli.stdin {
        let script = match input::read_script(cli.file.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        };
        if cli.dry_run {
            let opts = check::CheckOptions {
                compile,
                verbose: cli.verbose,
                hex: cli.hex_dump(),
                emit_raw: cli.emit_raw.clone(),
            };
            return check::run(&script, &opts);
        }
        let opts = apply::ApplyOptions {
            compile,
            verbose: cli.verbose,
            hex: cli.hex_dump(),
            compat_exit: cli.compat_exit,
            source: match &cli.file {
                Some(path) => ScriptSource::File(path.display().to_string()),
                None => ScriptSource::Stdin,
            },
        };
        if cli.atomic {
            return atomic::run(&script, &opts);
        }
        if cli.diff || cli.sync {
            return sync::run(&script, &opts, cli.sync);
        }
        return apply::run(&script, &opts);
    }
    if cli.doctor {
        return doctor::run(dialect, cli.json, cli.verbose, cli.hex_dump());
    }
    if cli.dump {
        let format = match cli.dump_format() {
            Ok(f) => f,
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        };
        if cli.loop_dump && format != cli::DumpFormat::Kame {
            eprintln!("setkey: -l prints the short listing; it takes no --json or --format");
            return 1;
        }
        let scope_mask = u8::from(cli.global_scope) | (u8::from(cli.ifnet_scope) << 1);
        return dump::run(&dump::DumpOptions {
            dialect,
            policy: cli.policy,
            all: cli.all,
            with_ports: cli.ports,
            scope_mask,
            verbose: cli.verbose,
            hex: cli.hex_dump(),
            repeat: cli.loop_dump,
            record: cli.record.clone(),
            format,
            wide: cli.wide,
        });
    }
    if cli.flush {
        return flush::run(dialect, cli.policy, cli.verbose, cli.hex_dump());
    }
    if cli.monitor > 0 {
        return match monitor_options(cli, dialect, &compile) {
            Ok(opts) => match &cli.replay {
                Some(path) => monitor::replay(path, &opts),
                None => monitor::run(&opts),
            },
            Err(e) => {
                eprintln!("setkey: {e}");
                1
            }
        };
    }
    if !cli.message_files.is_empty() {
        return decode::run(&cli.message_files, dialect, cli.verbose);
    }
    eprintln!("setkey: nothing to do; see setkey --help");
    1
}

fn monitor_options(
    cli: &Cli,
    dialect: Dialect,
    compile: &CompileOptions,
) -> Result<monitor::MonitorOptions, String> {
    let filter = cli
        .filter
        .iter()
        .map(|name| {
            monitor::message_type_by_name(name)
                .ok_or_else(|| format!("--filter: unknown message type '{name}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let register = cli
        .register
        .iter()
        .map(|name| match name.as_str() {
            "esp" => Ok(setkey::pfkey::consts::SADB_SATYPE_ESP),
            "ah" => Ok(setkey::pfkey::consts::SADB_SATYPE_AH),
            "ipcomp" => Ok(setkey::pfkey::consts::SADB_X_SATYPE_IPCOMP),
            other => Err(format!(
                "--register: unknown SA type '{other}' (expected esp, ah or ipcomp)"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(monitor::MonitorOptions {
        view: setkey::format::monitor_entry::View {
            dialect,
            raw_time: cli.monitor > 1,
            hex: cli.hex_dump(),
            json: cli.json,
            annotate: cli.annotate,
            filter,
        },
        summary: cli.summary,
        register,
        config: match &cli.config {
            Some(path) => Some(monitor::load_config(path, compile)?),
            None => None,
        },
    })
}
