// A header that stops short of a type points at the `=>` where the type is missing.
use yielding::generator;

fn main() {
    let g = generator!(u64, => {
        yield 1;
    });
    let _ = g;
}
