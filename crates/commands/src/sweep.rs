//! `sweep`: the rows of a plan's design (points × replicates), each a pure function of
//! (plan, row); in a folder, journaled for resumption; sliceable into shards.

use crate::destination::{choose, stem, Destination};
use crate::error::{CommandError, Resumable};
use crate::journaled::run_batches;
use crate::machine_memory;
use crate::plan_source::PlanSource;
use crate::progress::Progress;
use crate::shards::shard_rows;
use crate::stop::Stop;
use crate::Finished;
use esplab_experiment::design::Sampler;
use esplab_experiment::design_runs::SweepRow;
use esplab_experiment::Executor;
use esplab_output::sweep_folder::{Opened, SweepJournal, INDEX_COLUMNS};
use esplab_output::table::{Column, Table};
use esplab_scenario::plan::{DesignSource, Plan};
use esplab_scenario::Spelling;
use serde_json::json;
use std::ops::Range;
use std::path::PathBuf;

/// The rows of a plan.
#[derive(Debug, Clone)]
pub struct Request {
    pub plan: PlanSource,
    /// Shard `i` of `n` of the rows, numbered as in the whole.
    pub shard: Option<(u64, u64)>,
    /// Where to write the folder; `None`: nowhere (the table only).
    pub destination: Option<Destination>,
}

/// A sweep ready to run.
pub struct Prepared {
    pub plan: Plan,
    pub points: Vec<Vec<f64>>,
    /// The rows of the design this sweep runs.
    pub rows: Range<u64>,
    shard: Option<(u64, u64)>,
    pub dir: Option<PathBuf>,
    resume: bool,
}

/// What a sweep found.
pub struct Outcome {
    /// Rows of the whole design.
    pub total: u64,
    /// sweep.csv's table of the rows run (in memory only; the folder holds it on disk).
    pub table: Option<Table>,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Loads the plan and its design, checks the shard and memory, and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let plan = self.plan.load()?;
        let points = plan.design_points();
        let total = plan.runs(&points).sweep_rows();
        let rows = shard_rows(total, self.shard)?;
        machine_memory::ensure(
            &format!("plan {}", plan.source),
            plan.runs(&points).largest().iter(),
            executor,
            rows.end - rows.start,
            spelling,
        )?;
        let (dir, resume) = choose(&self.destination, &format!("{}-sweep", stem(&plan.source)))?;
        Ok(Prepared {
            plan,
            points,
            rows,
            shard: self.shard,
            dir,
            resume,
        })
    }
}

/// Writes the design of `plan` as CSV into `file` (to edit and import); returns its points.
pub fn export_design(plan: &PlanSource, file: &std::path::Path) -> Result<usize, CommandError> {
    let plan = plan.load()?;
    let points = plan.design_points();
    esplab_output::atomic::write(
        file,
        esplab_scenario::plan::design_csv(&plan.factors, &points).as_bytes(),
    )
    .map_err(|e| CommandError::Failed(format!("cannot write {}: {e}", file.display())))?;
    Ok(points.len())
}

/// A sweep row as a line of the journal (and of sweep.csv).
fn line(row: &SweepRow, point: &[f64]) -> String {
    let mut cells = vec![
        row.row.to_string(),
        row.point.to_string(),
        row.replicate.to_string(),
        row.seed.to_string(),
    ];
    cells.extend(point.iter().map(|v| v.to_string()));
    cells.extend(row.metrics.iter().map(|v| v.to_string()));
    cells.join(",")
}

impl Prepared {
    /// The columns of sweep.csv: the index columns, the factors, the plan's metrics.
    pub fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = INDEX_COLUMNS.iter().map(|s| s.to_string()).collect();
        header.extend(self.plan.factors.iter().map(|f| f.key.clone()));
        header.extend(self.plan.metrics.iter().cloned());
        header
    }

    /// Runs the rows (those an interruption left, when resuming) and writes the folder.
    pub fn run(
        self,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Finished<Outcome>, CommandError> {
        let design = self.plan.runs(&self.points);
        let total = design.sweep_rows();
        let rows = self.rows.clone();
        let Some(dir) = &self.dir else {
            let indices: Vec<u64> = rows.clone().collect();
            progress.begin("rows", rows.end - rows.start, 0);
            let results = executor.in_order(
                &indices,
                stop.flag(),
                |row| design.sweep_row(row),
                || progress.advance(1),
            );
            progress.end();
            return Ok(Finished::Done(Outcome {
                total,
                table: Some(self.table(&results?)),
                dir: None,
            }));
        };
        let cannot = |action, source| CommandError::Output {
            action,
            dir: dir.clone(),
            source,
        };
        let plan_hash = self.plan.hash();
        let mut journal =
            match SweepJournal::open(dir, &plan_hash, rows.clone(), self.resume).map_err(|e| cannot("use", e))? {
                Opened::Complete => {
                    return Ok(Finished::AlreadyComplete {
                        dir: dir.clone(),
                        what: "sweep",
                    })
                }
                Opened::Journal(j) => j,
            };
        let remaining: Vec<u64> = (journal.next_row()..rows.end).collect();
        progress.begin("rows", rows.end - rows.start, journal.next_row() - rows.start);
        let job = |row: u64| {
            let r = design.sweep_row(row);
            line(&r, &self.points[r.point])
        };
        let finished = run_batches(executor, &remaining, stop, job, |lines| {
            journal.append(&lines).map_err(|e| cannot("write into", e))?;
            progress.advance(lines.len() as u64);
            Ok::<(), CommandError>(())
        });
        progress.end();
        if !finished? {
            return Err(CommandError::Interrupted(Some(Resumable {
                done: journal.next_row() - rows.start,
                total: rows.end - rows.start,
                what: "rows",
                dir: dir.clone(),
            })));
        }
        let plan = &self.plan;
        let design_name = match &plan.design {
            DesignSource::Sampler(s) => json!(Sampler::NAMES[*s as usize]),
            DesignSource::Imported { path, .. } => json!({"imported": path}),
        };
        let mut settings = json!({
            "plan": plan.source,
            "plan_sha256": plan_hash,
            "plan_text": plan.text,
            "design": design_name,
            "points": self.points.len(),
            "replicates": plan.replicates,
            "master_seed": plan.seed,
            "rows": total,
            "factors": plan.factors.iter().map(|f| f.key.clone()).collect::<Vec<_>>(),
            "metrics": plan.metrics,
        });
        if let Some((i, n)) = self.shard {
            settings["shard"] = json!({"index": i, "count": n, "rows": [rows.start, rows.end]});
        }
        journal
            .finish(&self.header(), &plan.scenario, settings)
            .map_err(|e| cannot("write the results into", e))?;
        Ok(Finished::Done(Outcome {
            total,
            table: None,
            dir: self.dir.clone(),
        }))
    }

    /// The table of sweep.csv from rows in memory.
    fn table(&self, results: &[SweepRow]) -> Table {
        let plan = &self.plan;
        let mut columns = vec![
            Column::Index(results.iter().map(|r| r.row).collect()),
            Column::Index(results.iter().map(|r| r.point as u64).collect()),
            Column::Index(results.iter().map(|r| r.replicate).collect()),
            Column::Index(results.iter().map(|r| r.seed).collect()),
        ];
        columns.extend(
            (0..plan.factors.len()).map(|k| Column::Number(results.iter().map(|r| self.points[r.point][k]).collect())),
        );
        for m in 0..plan.metrics.len() {
            columns.push(Column::Number(results.iter().map(|r| r.metrics[m]).collect()));
        }
        Table {
            names: self.header(),
            columns,
        }
    }
}
