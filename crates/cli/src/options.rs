//! Command-line options of `esplab`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "Simulate how the market of human behaviour sets a technology's security baseline \
(the Efficient Security Principle): excitement and reliance push security down, abandonment after \
salient incidents and outcry-driven regulation push it up.";

const EXAMPLES: &str = "Examples:
  esplab scenarios                                  list the presets
  esplab run mcp                                    run the AI-agents/MCP preset
  esplab run mcp --users 1000000 --years 5 --seed 7 --out runs/big
  esplab run loud --set attention.threshold=7 --set offerings.0.security=0.5
  esplab check my-scenario.toml                     validate a scenario file
  esplab scenarios --show mcp > my-scenario.toml    start a scenario from a preset";

#[derive(Debug, Parser)]
#[command(name = "esplab", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one simulation and write its time series, events, summary and manifest.
    #[command(after_help = "Examples:
  esplab run mcp
  esplab run iot-botnets --years 10 --seed 3 --out runs/iot
  esplab run my.toml --set vendors.tolerance=0.05 --set interventions.0.day=400

Writes into DIR: timeseries.csv and .parquet (one row per day), offerings.csv, events.csv,
summary.json, scenario.toml (every resolved parameter) and, last, manifest.json. A folder is
complete when manifest.json exists.")]
    Run(RunArgs),
    /// Validate a scenario file (and overrides) without running it.
    #[command(after_help = "Examples:
  esplab check my.toml
  esplab check mcp --set users.harm_fear=2 --resolved")]
    Check(CheckArgs),
    /// List the shipped scenario presets, or show one, or the parameter reference.
    #[command(after_help = "Examples:
  esplab scenarios
  esplab scenarios --show loud
  esplab scenarios --parameters")]
    Scenarios(ScenariosArgs),
    /// Print the JSON Schema of scenario files.
    Schema,
}

/// Options shared by every command that takes a scenario.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// A scenario file (TOML) or the name of a preset (see `esplab scenarios`).
    pub scenario: String,
    /// Master seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated users (overrides run.users).
    #[arg(long)]
    pub users: Option<u64>,
    /// Horizon in years (overrides run.years).
    #[arg(long)]
    pub years: Option<f64>,
    /// Override any field: --set path.to.key=value (repeatable; applied in order, before
    /// --seed, --users and --years).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder (default: a new folder runs/NAME-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print the resolved scenario (every parameter) as TOML.
    #[arg(long)]
    pub resolved: bool,
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Print the text of one preset.
    #[arg(long, value_name = "NAME", conflicts_with = "parameters")]
    pub show: Option<String>,
    /// Print the reference table of every scenario parameter (Markdown).
    #[arg(long)]
    pub parameters: bool,
}
