// A syntax error in the body is one error at the bad token, with no cascade at the use site.
use yielding::generator;

fn numbers() -> impl Iterator<Item = u64> {
    generator! {
        yield 1
        yield 2;
    }
}

fn main() {
    let _ = numbers().count();
}
