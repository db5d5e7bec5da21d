// `yield from` an operand that is neither a generator nor iterable names what was expected.
use yielding::generator;

fn main() {
    let g = generator! {
        yield 1u32;
        yield from 5u32;
    };
    let _ = g.count();
}
