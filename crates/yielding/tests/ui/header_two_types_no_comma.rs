// A header of two types without a comma is one error at the stray type, with no cascade.
use yielding::generator;

fn numbers() -> impl Iterator<Item = u64> {
    generator!(u64 f64 => {
        yield 1;
    })
}

fn main() {
    let _ = numbers().count();
}
