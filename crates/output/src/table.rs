//! A small column table of numbers, written as CSV and as Parquet with the same columns.

use crate::atomic::{self, AtomicFile};
use crate::error::{OutputError, Result};
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// A column of counts, large indices, floats or text.
#[derive(Debug, Clone)]
pub enum Column {
    Count(Vec<u32>),
    Index(Vec<u64>),
    Number(Vec<f64>),
    Text(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Self::Count(v) => v.len(),
            Self::Index(v) => v.len(),
            Self::Number(v) => v.len(),
            Self::Text(v) => v.len(),
        }
    }

    fn cell(&self, row: usize) -> String {
        match self {
            Self::Count(v) => v[row].to_string(),
            Self::Index(v) => v[row].to_string(),
            Self::Number(v) => v[row].to_string(),
            Self::Text(v) => csv_field(&v[row]),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map(Column::len).unwrap_or(0)
    }

    /// The table as CSV text with a header line.
    pub fn to_csv(&self) -> String {
        let mut out = self.names.join(",");
        out.push('\n');
        for row in 0..self.rows() {
            for (i, column) in self.columns.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&column.cell(row));
            }
            out.push('\n');
        }
        out
    }

    /// Writes the table as CSV and Parquet: `STEM.csv` and `STEM.parquet` in `dir`.
    pub fn write_both(&self, dir: &Path, stem: &str) -> Result<()> {
        self.write_csv(&dir.join(format!("{stem}.csv")))?;
        self.write_parquet(&dir.join(format!("{stem}.parquet")))
    }

    /// Writes the table as CSV to `path`, atomically.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        atomic::write(path, self.to_csv().as_bytes())
    }

    /// The table as one Arrow record batch (counts UInt32, indices UInt64, numbers Float64,
    /// text Utf8; no nulls).
    pub fn record_batch(&self) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
        let fields: Vec<Field> = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(name, c)| {
                let t = match c {
                    Column::Count(_) => DataType::UInt32,
                    Column::Index(_) => DataType::UInt64,
                    Column::Number(_) => DataType::Float64,
                    Column::Text(_) => DataType::Utf8,
                };
                Field::new(name.as_str(), t, false)
            })
            .collect();
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Count(v) => Arc::new(UInt32Array::from(v.clone())) as ArrayRef,
                Column::Index(v) => Arc::new(UInt64Array::from(v.clone())) as ArrayRef,
                Column::Number(v) => Arc::new(Float64Array::from(v.clone())) as ArrayRef,
                Column::Text(v) => Arc::new(StringArray::from(v.clone())) as ArrayRef,
            })
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
    }

    /// Writes the table as Parquet (Snappy) to `path`, atomically.
    pub fn write_parquet(&self, path: &Path) -> Result<()> {
        let parquet_error = |e: &dyn std::fmt::Display| OutputError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let batch = self.record_batch().map_err(|e| parquet_error(&e))?;
        let schema = batch.schema();
        let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let mut buffer = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut buffer, schema, Some(properties)).map_err(|e| parquet_error(&e))?;
        writer.write(&batch).map_err(|e| parquet_error(&e))?;
        writer.close().map_err(|e| parquet_error(&e))?;
        let mut file = AtomicFile::create(path)?;
        match file.writer().write_all(&buffer) {
            Ok(()) => file.commit(),
            Err(e) => {
                file.abandon();
                Err(OutputError::io(path, e))
            }
        }
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_header_and_rows_and_parquet_reads_back() {
        let t = Table {
            names: vec!["day".into(), "baseline".into()],
            columns: vec![Column::Count(vec![0, 1]), Column::Number(vec![0.5, 0.25])],
        };
        assert_eq!(t.to_csv(), "day,baseline\n0,0.5\n1,0.25\n");
        let dir = std::env::temp_dir().join(format!("esplab-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.parquet");
        t.write_parquet(&path).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
        assert_eq!(batches[0].num_rows(), 2);
        assert_eq!(batches[0].schema().field(1).name(), "baseline");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
