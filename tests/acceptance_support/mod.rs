//! Shared runner of the acceptance suites: reads a directory of statements taken from a
//! system's own IPsec tests, compiles each one with the built binary and checks it against
//! what that suite expects, with a list of known gaps that must stay true.
//!
//! A data file `xxx.conf` holds statements expected to compile; `xxx.fail.conf` holds
//! statements expected to be refused, each after a `# expect: ...` line naming the verdict.
//! A statement runs until a line that ends with `;`; comment and blank lines between
//! statements are skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One acceptance suite: where its data lives, the target it compiles for and what it knows.
pub struct Suite {
    /// The data directory, relative to the crate root.
    pub dir: &'static str,
    /// The `--target` to compile for.
    pub target: &'static str,
    /// (statements expected to compile, statements expected to fail): a change means the data
    /// lost or gained some.
    pub counts: (usize, usize),
    /// Statements whose outcome is not yet what the suite expects: (a substring of the
    /// statement with its blanks collapsed to one space, a substring of the error setkey-rs
    /// gives). Every entry must match at least one statement that misbehaves, and every
    /// statement that misbehaves must match an entry.
    pub known_gaps: &'static [(&'static str, &'static str)],
    /// The setkey-rs diagnostic (a substring of stderr) for a `# expect:` verdict.
    pub refusal: fn(&str) -> &'static str,
}

#[derive(Debug)]
struct Statement {
    /// `xxx.conf:LINE`
    place: String,
    text: String,
    /// The text with every run of blanks made one space.
    flat: String,
    expect_fail: Option<String>,
}

fn statements(path: &Path) -> Vec<Statement> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let fail_file = name.ends_with(".fail.conf");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut out, mut lines, mut start, mut expect) = (Vec::new(), Vec::new(), 0, None);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if lines.is_empty() && (t.is_empty() || t.starts_with('#')) {
            if let Some(why) = t.strip_prefix("# expect:") {
                expect = Some(why.trim().to_string());
            }
            continue;
        }
        if lines.is_empty() {
            start = i + 1;
        }
        lines.push(line);
        if t.ends_with(';') {
            let text = lines.join("\n");
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let expect_fail = if fail_file {
                Some(
                    expect
                        .take()
                        .unwrap_or_else(|| panic!("{name}:{start}: no # expect:")),
                )
            } else {
                None
            };
            out.push(Statement {
                place: format!("{name}:{start}"),
                text,
                flat,
                expect_fail,
            });
            lines.clear();
        }
    }
    assert!(
        lines.is_empty(),
        "{name}: a statement without ';' at the end"
    );
    out
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
}

impl Suite {
    fn data_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        files.sort();
        files
    }

    fn compile(&self, file: &Path) -> Outcome {
        let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
            .args(["-n", "--target", self.target, "-f"])
            .arg(file)
            .output()
            .expect("run setkey");
        Outcome {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Success is exit 0 with no error printed; failure is a non-zero exit (not a signal)
    /// with the error setkey-rs gives for what the suite checks.
    fn behaves(&self, st: &Statement, out: &Outcome) -> bool {
        match &st.expect_fail {
            None => out.code == Some(0) && !out.stderr.contains("error"),
            Some(why) => {
                matches!(out.code, Some(c) if c != 0) && out.stderr.contains((self.refusal)(why))
            }
        }
    }

    fn scratch(&self) -> PathBuf {
        let leaf = self.dir.rsplit('/').next().unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("acceptance_{leaf}"));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Compiles every statement alone, then every data file whole, and panics with every
    /// difference from what the suite expects that `known_gaps` does not account for.
    pub fn run(&self) {
        let all: Vec<Statement> = self
            .data_files()
            .iter()
            .flat_map(|p| statements(p))
            .collect();
        let failing = all.iter().filter(|s| s.expect_fail.is_some()).count();
        assert_eq!(
            (all.len() - failing, failing),
            self.counts,
            "statement counts"
        );

        let dir = self.scratch();
        let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
        let outcomes: Vec<Outcome> = std::thread::scope(|s| {
            let chunks: Vec<_> = all
                .chunks(all.len().div_ceil(threads))
                .map(|chunk| {
                    let dir = &dir;
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|st| {
                                let file = dir.join(st.place.replace(':', "-"));
                                std::fs::write(&file, format!("{}\n", st.text)).unwrap();
                                self.compile(&file)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });

        let mut problems = Vec::new();
        let mut gap_hits = vec![0usize; self.known_gaps.len()];
        for (st, out) in all.iter().zip(&outcomes) {
            let gap = self
                .known_gaps
                .iter()
                .position(|(sub, _)| st.flat.contains(sub));
            let what = match &st.expect_fail {
                None => "expected to compile".to_string(),
                Some(why) => format!("expected to fail ({why})"),
            };
            match (self.behaves(st, out), gap) {
                (true, None) => {}
                (false, Some(g)) => {
                    gap_hits[g] += 1;
                    if !out.stderr.contains(self.known_gaps[g].1) {
                        problems.push(format!(
                            "{}: {}\n  fails, but not as the known gap says ({}):\n  {}",
                            st.place, st.flat, self.known_gaps[g].1, out.stderr
                        ));
                    }
                }
                (false, None) => problems.push(format!(
                    "{}: {}\n  {what}, got exit {:?}:\n  {}",
                    st.place, st.flat, out.code, out.stderr
                )),
                (true, Some(g)) => problems.push(format!(
                    "{}: {}\n  behaves now: take it out of the known gaps ({})",
                    st.place, st.flat, self.known_gaps[g].1
                )),
            }
        }
        // The scripts feed their statements in groups: each data file as one `-f` file must
        // report one error per statement that fails on its own, and compile when none does.
        for path in self.data_files() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let alone = all
                .iter()
                .zip(&outcomes)
                .filter(|(st, out)| {
                    st.place.starts_with(&format!("{name}:")) && out.code != Some(0)
                })
                .count();
            let out = self.compile(&path);
            let errors = out
                .stderr
                .lines()
                .filter(|l| l.contains(": error:"))
                .count();
            let want = if alone == 0 { Some(0) } else { Some(1) };
            if errors != alone || out.code != want {
                problems.push(format!(
                    "{name} as one file: exit {:?} and {errors} errors, \
                     want exit {want:?} and {alone} (one per statement failing alone)",
                    out.code
                ));
            }
        }
        for (g, (sub, why)) in self.known_gaps.iter().enumerate() {
            eprintln!(
                "known gap: {:3} statements with {sub:?}: {why}",
                gap_hits[g]
            );
            if gap_hits[g] == 0 {
                problems.push(format!("known gap {sub:?} matches no failing statement"));
            }
        }
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }
}
