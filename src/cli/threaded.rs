//! `courier-sim threaded`: a scenario or a script on real threads against one shared
//! engine, its check by replay, and the exit code: 0 passed, 1 a violation, 2 bad usage or
//! input, or a run that passed but lagged.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::run::ProgressBar;
use courier_sim::threaded::run::Ending;
use courier_sim::threaded::scale::TimeScale;

/// The default number of worker threads.
const DEFAULT_THREADS: usize = 4;
/// The most worker threads a run may ask for.
const MAX_THREADS: usize = 1024;

/// Runs a scenario (or hands a script to `threaded_script`) on real threads, checks it
/// by replay, and prints the verdict; exit 0 passed, 1 a violation, 2 bad input or lag.
pub(crate) fn threaded(
    path: &std::path::Path,
    seed: Option<u64>,
    time_scale: Option<TimeScale>,
    threads: Option<usize>,
    out: Option<PathBuf>,
) -> ExitCode {
    use courier_sim::threaded::run;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("script")) {
        let given: Vec<&str> = [
            (seed.is_some(), "--seed"),
            (threads.is_some(), "--threads"),
            (out.is_some(), "--out"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        if !given.is_empty() {
            super::say_err!(
                "courier-sim: {} cannot be used with a script ({}): a script has no random streams, \
                 runs its lines on one thread (plus the timer thread) and writes no reports; \
                 only --time-scale applies to it",
                given.join(", "),
                path.display()
            );
            return ExitCode::from(2);
        }
        return threaded_script(path, time_scale);
    }
    let threads = threads.unwrap_or(DEFAULT_THREADS);
    if !(1..=MAX_THREADS).contains(&threads) {
        super::say_err!("courier-sim: --threads must be between 1 and {MAX_THREADS}, found {threads}");
        return ExitCode::from(2);
    }
    let scenario = match super::load_scenario(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or(scenario.seed);
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-threaded", scenario.name)));
    let horizon = scenario.horizon.0;
    let (default, span) = run::default_scale(&scenario);
    let (time_scale, how) = match time_scale {
        Some(scale) => (scale, String::new()),
        None => (
            default,
            format!(
                " (the default: (the horizon + an order's life of about {}) ÷ 20 s, at most {}; \
                 set it with --time-scale)",
                run::typical_order_life(&scenario),
                TimeScale::DEFAULT_MAX
            ),
        ),
    };
    // Whatever refuses the run (its size, the report folder) is said before anything that
    // announces it.
    let prepared = match run::prepare(&scenario, Some(&dir)) {
        Ok(prepared) => prepared,
        Err(e) => {
            super::say_err!("courier-sim: {e}");
            return ExitCode::from(2);
        }
    };
    super::say_err!(
        "threaded run of {} (seed {seed}) on {threads} worker threads at time scale {time_scale}{how}: \
         the arrivals last about {} of wall time, the whole run about {}",
        scenario.name,
        wall(time_scale.wall_uncapped(horizon)),
        wall(time_scale.wall_uncapped(span))
    );
    let options = run::Options::new(seed, time_scale, threads);
    let mut bar = ProgressBar::new(horizon, false);
    let result = prepared.run(options, &mut bar);
    bar.finish();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            super::say_err!("courier-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let ops = outcome.verdict.operations as f64 / outcome.wall.as_secs_f64().max(1e-9);
    let mut text = format!("{}\n", outcome.verdict);
    for violation in &outcome.verdict.violations {
        text += &format!("  violation: {violation}\n");
    }
    if outcome.stalled {
        text +=
            "  the run stalled: orders were still live with no work queued or in hand that could end them\n";
    }
    let lock = outcome.lock;
    text += &format!(
        "lock: {} of {} acquisitions found the engine's lock held\n",
        lock.contended, lock.acquisitions
    );
    text += &format!(
        "wall time {:.2?} ({ops:.0} operations/s); reports written to {}\n",
        outcome.wall,
        dir.display()
    );
    if let Err(code) = super::print_out(&text) {
        return code;
    }
    let lag = outcome.lateness.lagged().then(|| outcome.lag_message(time_scale));
    let reproduce = format!(
        "courier-sim threaded {} --seed {seed} --time-scale {time_scale} --threads {threads}",
        super::shell_word(path)
    );
    exit_code(outcome.ending(), lag, &reproduce)
}

/// The exit code of a run that ended, saying why on stderr: 0 passed; 2 lagged (with the
/// lag message); 1 a violation (with the lag message if it lagged too, and the command
/// that reproduces the run).
fn exit_code(ending: Ending, lag: Option<String>, reproduce: &str) -> ExitCode {
    if ending != Ending::Passed {
        if let Some(lag) = lag {
            super::say_err!("courier-sim: {lag}");
        }
    }
    match ending {
        Ending::Passed => ExitCode::SUCCESS,
        Ending::Lagged => ExitCode::from(2),
        Ending::Failed => {
            super::say_err!("reproduce with: {reproduce}");
            ExitCode::from(1)
        }
    }
}

/// A wall time for the user: `720.0ms`, `20.0s`, or from a minute on `1h12m`.
fn wall(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(60) {
        format!("{d:.1?}")
    } else {
        courier_sim::time::Millis(d.as_secs().saturating_mul(1000)).to_string()
    }
}

/// A script on real threads, in real time at `--time-scale 1` (its default): its
/// expectations are enforced and its log is checked by replay; exit 0 passed, 1 a violation
/// or a failed expectation, 2 a bad script or a line that ran too late (lag).
fn threaded_script(path: &std::path::Path, time_scale: Option<TimeScale>) -> ExitCode {
    let (time_scale, how) = match time_scale {
        Some(scale) => (scale, ""),
        None => (TimeScale::REAL_TIME, " (real time, the default for a script)"),
    };
    super::say_err!(
        "threaded script {} at time scale {time_scale}{how}",
        path.display()
    );
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = courier_sim::threaded::script_host::run_script(path, time_scale, &mut LineFlush(&mut out));
    let _ = out.flush();
    drop(out);
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => return super::script_error(&e),
    };
    let (summary, verdict) = (&outcome.summary, &outcome.verdict);
    for failure in &summary.failures {
        super::say_err!(
            "{}:{}: expectation failed: {}",
            path.display(),
            failure.line,
            failure.message
        );
    }
    let failed = summary.failures.len();
    let text = format!(
        "{} passed, {failed} failed\n{verdict}\n",
        summary.expectations - failed
    );
    if let Err(code) = super::print_out(&text) {
        return code;
    }
    for violation in &verdict.violations {
        super::say_err!("violation: {violation}");
    }
    let lag = outcome.lateness.lagged().then(|| outcome.lag_message(time_scale));
    let reproduce = format!(
        "courier-sim threaded {} --time-scale {time_scale}",
        super::shell_word(path)
    );
    exit_code(outcome.ending(), lag, &reproduce)
}

/// Flushes after every line, so a real-time transcript shows each line as it happens.
struct LineFlush<'a, W: Write>(&'a mut W);

impl<W: Write> Write for LineFlush<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        if buf.contains(&b'\n') {
            self.0.flush()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
