// In an async generator, `yield from` an operand that is none of a generator, an iterable
// or a stream names what was expected, and the error names the macro used.
use yielding::async_generator;

fn main() {
    let _g = async_generator! {
        yield 1u32;
        yield from 5u32;
        let _sent: Option<()> = yield from 6u32;
    };
}
