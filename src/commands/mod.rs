//! One module per mode of operation; these own all I/O and glue the pipeline together.

pub mod check;
pub mod input;
