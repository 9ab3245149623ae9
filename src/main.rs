//! The `policy_sentry` command-line program.

mod cli;

fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    cli::main()
}

/// Like other Unix filters, stop quietly when the reader of stdout goes away
/// (`policy_sentry query … | head`) instead of failing on a write error.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
