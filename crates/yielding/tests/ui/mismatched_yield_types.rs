// Yielding values of two different types is a type mismatch at the second value.
use yielding::generator;

fn main() {
    let g = generator! {
        yield 1u8;
        yield "s";
    };
    let _ = g.count();
}
