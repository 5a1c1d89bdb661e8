//! A table's kept rows written back as CSV: how a monitoring reference (a sample of a model's
//! training data) is stored. Reading the CSV back gives the same cells: numbers are written in
//! their shortest exact form, missing values as empty fields, texts quoted where CSV needs it.

use super::{Cell, Table};

impl Table {
    /// The kept rows as CSV with a header.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        let mut record: Vec<String> = self
            .columns
            .iter()
            .map(|column| column.name.clone())
            .collect();
        let mut ok = writer.write_record(&record).is_ok();
        for row in 0..self.kept_rows {
            record.clear();
            record.extend(self.columns.iter().map(|column| match column.cell(row) {
                Cell::Missing => String::new(),
                Cell::Number(value) => format!("{value:?}"),
                Cell::Text(index) => column.text(index).to_owned(),
            }));
            ok &= writer.write_record(&record).is_ok();
        }
        debug_assert!(ok, "writing CSV to memory cannot fail");
        writer.into_inner().unwrap_or_default()
    }
}
