// A header that is not a type is one error at the header.
use yielding::generator;

fn main() {
    let g = generator!(1 + 2 => {
        yield 1;
    });
    let _ = g.count();
}
