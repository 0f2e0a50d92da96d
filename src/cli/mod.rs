//! The command line: global connection flags and one module per headless command. Every command
//! runs the same `registry` code as the cockpit and prints a table, or JSON with `--json`.

mod adopt;
mod attest;
mod audit;
mod decide;
mod docs;
mod doctor;
mod drift;
mod error;
mod export;
mod fairness;
mod gate;
mod governance;
mod inbox;
mod lineage;
mod models;
mod output;
mod show;
mod verify;
mod versions;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::governance::decision::Decision;

pub use docs::offline;
pub use error::{exit_code, CliError};

use crate::cockpit::CockpitOptions;
use crate::config::Overrides;
use crate::session::{connect, SessionOptions};

#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version,
    about = "A terminal governance cockpit for MLflow model registries",
    long_about = "Without a command, opens the interactive cockpit. With one, answers headless \
                  (tables, or JSON with --json) for scripts and CI."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// MLflow tracking server URL (default: MLFLOW_TRACKING_URI, then http://127.0.0.1:5000).
    #[arg(long, global = true, value_name = "URL")]
    pub tracking_uri: Option<String>,
    /// Named profile from the config file (also TOLLGATE_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file (default: the user's config directory; also TOLLGATE_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Models per page when listing (1-1000; also TOLLGATE_PAGE_SIZE or `page_size` in the config).
    #[arg(long, global = true, value_name = "N")]
    pub page_size: Option<usize>,
    /// Refuse every action that writes to the registry.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Let the cockpit use the mouse (wheel scrolls); off by default so terminal selection works.
    #[arg(long, global = true)]
    pub mouse: bool,
    /// Draw charts with dots instead of braille (for fonts without braille; also `[ui] ascii`).
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Policy file for gates and decisions, in the cockpit and headless (default: the profile's
    /// `policy`, else policy.toml in the config directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every registered model with its version count, stages, aliases and tags.
    Models {
        /// Only models whose name contains TEXT (case-insensitive).
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List every version of a model with its stage, aliases, run and the run's metrics.
    Versions {
        model: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one version: tags, description, and its run's metrics, params, tags and datasets.
    Show {
        model: String,
        version: String,
        #[arg(long)]
        json: bool,
    },
    /// Drift of a model's monitored versions (or one version): latest window per feature,
    /// onsets, live performance.
    Drift {
        model: String,
        version: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Fairness evidence of a version: aggregates with their ideal values, per-group values,
    /// the four-fifths ratio per attribute.
    Fairness {
        model: String,
        version: String,
        #[arg(long)]
        json: bool,
    },
    /// The lineage tree of a version: logged model, run, parent runs, experiment, datasets, code.
    Lineage {
        model: String,
        version: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an evidence pack for auditors into DIR: charts (PNG and SVG) of metric curves,
    /// fairness by group, drift over time and histograms, a Markdown report and the data used.
    Export {
        model: String,
        version: String,
        /// Directory to write into (created if needed; files of the same names are replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print the files written and their sizes as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check the connection: resolved URL and profile, paths, reachability, version, auth.
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Open the cockpit on a model, or on one of its versions (for links from CI or chat).
    Open {
        model: String,
        version: Option<String>,
    },
    /// Policy gates: `gate check MODEL VERSION --to TARGET` (exit 0 pass, 1 fail/missing, 2 error).
    Gate {
        #[command(subcommand)]
        action: GateCommand,
    },
    /// Ask for a version to be promoted to a target (recorded as pending for approvers).
    Request(DecisionArgs),
    /// Promote a version to a target, when its gates pass and four-eyes holds.
    Approve(DecisionArgs),
    /// Turn a promotion down (changes no stage or alias).
    Reject(DecisionArgs),
    /// Move a target back to the version that held it before (from the audit trail).
    Rollback {
        model: String,
        /// A stage (Staging, Production) or an alias (@champion).
        #[arg(long = "to", value_name = "TARGET")]
        target: String,
        #[arg(long)]
        comment: String,
        /// Do not ask; required when there is no terminal.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        archive: ArchiveArgs,
    },
    /// Every pending promotion request across models, oldest first.
    Inbox {
        #[arg(long)]
        json: bool,
        /// Read every version instead of the flagged ones, and flag any open request found
        /// unflagged (the inbox does this by itself once, on its first run).
        #[arg(long)]
        rescan: bool,
    },
    /// A model's decision history from the audit runs; `--verify` checks every record's
    /// signature and the hash chain (exit 0 all verified, 1 something fails, 2 usage).
    Audit {
        model: String,
        #[arg(long)]
        json: bool,
        /// Verify every record: whole, signed by a key allowed for its actor, chained by hash.
        #[arg(long)]
        verify: bool,
        /// The allowed_signers file (ssh-keygen format; principals = tollgate identities);
        /// default: the policy's `allowed_signers`.
        #[arg(long, value_name = "FILE", requires = "verify")]
        allowed_signers: Option<PathBuf>,
        /// A file keeping the last verified head of the chain (kept outside the registry, e.g.
        /// by CI): read, checked, and replaced with the new head when all verifies.
        #[arg(long, value_name = "FILE", requires = "verify")]
        head: Option<PathBuf>,
    },
    /// Start a model's signed trail: a signed record of the current stage and alias holders.
    Adopt {
        model: String,
        #[arg(
            long,
            default_value = "adopted: the current holders start the signed trail"
        )]
        comment: String,
    },
    /// Write an in-toto Statement v1 about a version: its artifact files' SHA-256 as the subject,
    /// the gate report, the policy digest and the decisions as the predicate.
    Attest {
        model: String,
        version: String,
        /// The statement file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Evaluate the gates for this target now (needs a policy); default: the report the
        /// newest verified decision was made on.
        #[arg(long = "to", value_name = "TARGET")]
        target: Option<String>,
        /// Print what was written as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script: `tollgate completions bash > /etc/bash_completion.d/tollgate`
    /// (zsh: into a directory on $fpath as `_tollgate`; fish: ~/.config/fish/completions/tollgate.fish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `tollgate man > /usr/local/share/man/man1/tollgate.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Evaluate the policy's gates for a version and a target.
    Check {
        model: String,
        version: String,
        /// A stage (Staging, Production) or an alias (@champion).
        #[arg(long = "to", value_name = "TARGET")]
        target: String,
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        #[arg(long)]
        markdown: bool,
        /// Store the report in an audit run and tag the version `tollgate.gate.<TARGET>`.
        #[arg(long)]
        record: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ArchiveArgs {
    /// Archive the versions now in the target stage (default for Production).
    #[arg(long, conflicts_with = "no_archive")]
    pub archive: bool,
    /// Keep the versions now in the target stage.
    #[arg(long)]
    pub no_archive: bool,
}

impl ArchiveArgs {
    fn choice(&self) -> Option<bool> {
        match (self.archive, self.no_archive) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct DecisionArgs {
    pub model: String,
    pub version: String,
    /// A stage (Staging, Production) or an alias (@champion).
    #[arg(long = "to", value_name = "TARGET")]
    pub target: String,
    #[arg(long)]
    pub comment: String,
    /// Do not ask; required when there is no terminal.
    #[arg(long)]
    pub yes: bool,
    /// Approve past failing gates, when the policy allows overrides: the recorded justification.
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
    /// The report reviewed (saved by `gate check --json`): refuse if the version changed since.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub archive: ArchiveArgs,
}

impl DecisionArgs {
    fn decide<'a>(&'a self, policy: Option<&'a std::path::Path>) -> decide::DecideArgs<'a> {
        decide::DecideArgs {
            model: &self.model,
            version: &self.version,
            target: &self.target,
            comment: &self.comment,
            yes: self.yes,
            policy,
            archive: self.archive.choice(),
            justification: self.justification.as_deref(),
            report: self.report.as_deref(),
        }
    }
}

impl GlobalArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            tracking_uri: self.tracking_uri.clone(),
            profile: self.profile.clone(),
            config_path: self.config.clone(),
            page_size: self.page_size,
            read_only: self.read_only,
        }
    }

    /// What a session needs of the flags: the connection and the policy.
    pub fn session(&self) -> SessionOptions {
        SessionOptions {
            overrides: self.overrides(),
            policy: self.policy.clone(),
        }
    }

    /// What the cockpit needs of the flags: the session, the mouse and the chart markers.
    pub fn cockpit(&self) -> CockpitOptions {
        CockpitOptions {
            session: self.session(),
            mouse: self.mouse,
            ascii: self.ascii,
        }
    }
}

/// Run one headless command to completion, writing to stdout.
pub async fn run(global: &GlobalArgs, command: &Command) -> Result<(), CliError> {
    let resolved = global.session().resolve()?;
    let out = &mut std::io::stdout().lock();
    match command {
        Command::Doctor { json } => doctor::run(&resolved, *json, out).await,
        Command::Drift {
            model,
            version,
            json,
        } => {
            let registry = connect(&resolved)?;
            drift::run(&registry, model, version.as_deref(), *json, out).await
        }
        Command::Fairness {
            model,
            version,
            json,
        } => {
            let registry = connect(&resolved)?;
            fairness::run(&registry, model, version, *json, out).await
        }
        Command::Export {
            model,
            version,
            out: dir,
            json,
        } => {
            let registry = connect(&resolved)?;
            export::run(&registry, model, version, dir, *json, out).await
        }
        Command::Lineage {
            model,
            version,
            json,
        } => {
            let registry = connect(&resolved)?;
            lineage::run(&registry, model, version, *json, out).await
        }
        Command::Models { filter, json } => {
            let registry = connect(&resolved)?;
            models::run(&registry, filter.as_deref(), *json, out).await
        }
        Command::Versions { model, json } => {
            let registry = connect(&resolved)?;
            versions::run(&registry, model, *json, out).await
        }
        Command::Show {
            model,
            version,
            json,
        } => {
            let registry = connect(&resolved)?;
            show::run(&registry, model, version, *json, out).await
        }
        Command::Gate {
            action:
                GateCommand::Check {
                    model,
                    version,
                    target,
                    json,
                    markdown,
                    record,
                },
        } => {
            let registry = connect(&resolved)?;
            let format = match (json, markdown) {
                (true, _) => gate::Format::Json,
                (_, true) => gate::Format::Markdown,
                _ => gate::Format::Table,
            };
            let args = gate::CheckArgs {
                model,
                version,
                target,
                policy: global.policy.as_deref(),
                format,
                record: *record,
            };
            // CI branches on 0 pass / 1 fail / 2 error: every error is 2 here, even the ones
            // other commands give their own codes (not found, unreachable, forbidden).
            gate::check(&resolved, &registry, &args, out)
                .await
                .map_err(|e| match e {
                    CliError::Reported(_) | CliError::Usage(_) | CliError::Policy(_) => e,
                    other => CliError::Usage(other.to_string()),
                })
        }
        Command::Request(a) | Command::Approve(a) | Command::Reject(a) => {
            let decision = match command {
                Command::Request(_) => Decision::Requested,
                Command::Approve(_) => Decision::Approved,
                _ => Decision::Rejected,
            };
            let registry = connect(&resolved)?;
            decide::decide(
                &resolved,
                &registry,
                decision,
                &a.decide(global.policy.as_deref()),
                out,
            )
            .await
        }
        Command::Rollback {
            model,
            target,
            comment,
            yes,
            archive,
        } => {
            let registry = connect(&resolved)?;
            decide::rollback(
                &resolved,
                &registry,
                model,
                target,
                comment,
                *yes,
                archive.choice(),
                global.policy.as_deref(),
                out,
            )
            .await
        }
        Command::Inbox { json, rescan } => {
            let registry = connect(&resolved)?.with_signing(signing_of(&resolved, global));
            inbox::run(&registry, *json, *rescan, out).await
        }
        Command::Audit {
            model,
            json,
            verify: true,
            allowed_signers,
            head,
        } => {
            let registry = connect(&resolved)?;
            let args = verify::VerifyArgs {
                model,
                policy: global.policy.as_deref(),
                allowed_signers: allowed_signers.as_deref(),
                head: head.as_deref(),
                json: *json,
            };
            verify::run(&resolved, &registry, &args, out).await
        }
        Command::Audit { model, json, .. } => {
            let registry = connect(&resolved)?.with_signing(signing_of(&resolved, global));
            audit::run(&registry, model, *json, out).await
        }
        Command::Adopt { model, comment } => {
            let registry = connect(&resolved)?;
            adopt::run(
                &resolved,
                &registry,
                model,
                comment,
                global.policy.as_deref(),
                out,
            )
            .await
        }
        Command::Attest {
            model,
            version,
            out: out_file,
            target,
            json,
        } => {
            let registry = connect(&resolved)?;
            let args = attest::AttestArgs {
                model,
                version,
                out_file,
                target: target.as_deref(),
                policy: global.policy.as_deref(),
                json: *json,
            };
            attest::run(&resolved, &registry, &args, out).await
        }
        Command::Open { .. } => Err(CliError::Usage(
            "`open` runs the interactive cockpit; it is started from main".into(),
        )),
        // Answered offline, before any settings are read (main).
        Command::Completions { .. } | Command::Man => match offline(command, out) {
            Some(written) => Ok(written?),
            None => Ok(()),
        },
    }
}

/// The signing settings of the policy in force (its `allowed_signers`, `signatures_since`), so
/// read commands show each record's signature as the cockpit does; none without a policy. A
/// policy that cannot be read leaves them off here: the commands that need it say why.
fn signing_of(
    resolved: &crate::config::Resolved,
    global: &GlobalArgs,
) -> crate::governance::Signing {
    crate::session::policy::find(resolved, global.policy.as_deref())
        .ok()
        .flatten()
        .map(|p| p.signing)
        .unwrap_or_default()
}
