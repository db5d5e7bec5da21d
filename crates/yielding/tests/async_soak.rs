//! Cancellation soak for async generators: a million of them on tokio's multi-thread
//! runtime, each raced in `select!` against a timer and dropped when the timer wins, at a
//! random point, in the middle of a `yield from` one or two delegates deep too.
//!
//! Ignored by default, as a soak: the million takes 6 to 11 s in release on two shared
//! cores. `.ci/run` runs it with a bounded count; the figures go to standard output:
//!
//! ```text
//! YIELDING_SOAK_COUNT=100000 cargo test --release -p yielding --test async_soak -- --ignored --nocapture
//! cargo test --release -p yielding --test async_soak -- --ignored --nocapture    # 1,000,000
//! ```
//!
//! `YIELDING_SOAK_SEED` changes the plans, `YIELDING_SOAK_WINDOW` the number of tasks
//! alive at once (1,000 by default: more only lengthen the run queues, so that the timers
//! win nearly every race).
//!
//! Each generator is three layers: an outer one (written with `async_generator!` and
//! `yield from` for half of them, with `AsyncGen::new` and `yield_from_async` for the
//! others) that may delegate to a middle one, which may delegate to a leaf. Every layer
//! holds drop-counted locals, yields drop-counted values, returns a drop-counted value, and
//! pauses before each yield on a real future: `yield_now`, a tokio sleep, or nothing. A
//! seeded plan per generator fixes its shape, its pauses and its race:
//!
//! - race (half): random pauses against a 0-9 ms timer; it lands wherever the race lands.
//! - pinned (three in ten): no pause but one parked hour-long sleep, at a chosen place (in
//!   any layer's body, or in the consumer while it holds an item from any layer), against a
//!   0-2 ms timer, polled after the consumer; it is cancelled exactly there.
//! - complete (one in five): random pauses against an hour-long timer; it runs to its end.
//!
//! Checked: every item arrives in the order the plan gives, at most up to the cancellation;
//! the generator's state after a cancellation is the one its place implies; every counted
//! value (generator bodies, locals, yielded values, return values) is dropped exactly once,
//! already when every task has been joined, before the runtime shuts down; every spawned
//! task is joined with its outcome; and once the runtime is dropped, the bytes live on the
//! heap are back to their baseline, to the byte.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use yielding::{AsyncGen, Co, GeneratorState, async_generator};

// ---- the heap: bytes live, and their peak ---------------------------------------------

/// Counts the bytes live on the heap over all threads, and their peak: the proof that
/// the soak leaves nothing behind is this count back at its baseline.
struct CountingAlloc;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE_BYTES.fetch_add(bytes, Relaxed) + bytes;
    PEAK_BYTES.fetch_max(live, Relaxed);
}

// SAFETY: every method forwards to `System` unchanged; the counters only add and subtract
// sizes, never touch the memory, and never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        ptr
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            // Grow before shrinking: the live count must never dip below the truth.
            grew(new_size);
            LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in KiB; `None` off Linux. A
/// figure only: the allocator may keep freed pages, so RSS is not what is asserted.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Hands the allocator's free memory back to the system (glibc's `malloc_trim`), so that
/// the RSS figure after the soak shows what is live rather than what malloc keeps cached.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_heap() -> bool {
    unsafe extern "C" {
        // Takes no pointer and may be called at any time, from any thread.
        safe fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    malloc_trim(0) != 0
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_heap() -> bool {
    false
}

// ---- the drop ledger: every counted value dropped exactly once ------------------------

/// What a counted value stands for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Moved into a generator's body: lives exactly as long as the generator, started or
    /// not.
    Generator,
    /// A body's local, live across its awaits and yields.
    Local,
    /// A yielded value, dropped by the consumer (or with it, when it is cancelled).
    Yielded,
    /// A layer's return value: `yield from` hands a delegate's to its delegator, which
    /// keeps it as a local; the outer one's is taken by the consumer.
    Returned,
}

const KINDS: [Kind; 4] = [Kind::Generator, Kind::Local, Kind::Yielded, Kind::Returned];

/// Counted values one generator may create: 3 bodies, 6 locals, 3 return values and at
/// most 18 items (3 layers of at most 3 + 3).
const COUNTED_PER_GENERATOR: usize = 30;

static CREATED: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];
static DROPPED: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
static DROPPED_TWICE: AtomicUsize = AtomicUsize::new(0);
/// One bit per counted value, set by its drop: a double drop finds it set, a leak leaves
/// it clear. Sized before the baseline is measured, so it is part of it.
static DROP_BITS: OnceLock<Box<[AtomicU64]>> = OnceLock::new();

fn drop_bits() -> &'static [AtomicU64] {
    DROP_BITS
        .get()
        .expect("the ledger is sized before any value is counted")
}

/// A value whose drop is recorded, by id and by kind.
#[derive(Debug)]
struct Counted {
    id: usize,
    kind: Kind,
}

impl Counted {
    fn new(kind: Kind) -> Counted {
        let id = NEXT_ID.fetch_add(1, Relaxed);
        assert!(
            id < drop_bits().len() * 64,
            "the drop ledger is full: raise COUNTED_PER_GENERATOR"
        );
        CREATED[kind as usize].fetch_add(1, Relaxed);
        Counted { id, kind }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let bit = 1 << (self.id % 64);
        if drop_bits()[self.id / 64].fetch_or(bit, Relaxed) & bit != 0 {
            DROPPED_TWICE.fetch_add(1, Relaxed);
        }
        DROPPED[self.kind as usize].fetch_add(1, Relaxed);
    }
}

/// The ledger at one moment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Accounts {
    created: [usize; 4],
    dropped: [usize; 4],
    /// Ids whose drop bit is set: each dropped at least once.
    dropped_ids: usize,
    ids: usize,
    dropped_twice: usize,
}

impl Accounts {
    fn now() -> Accounts {
        let ids = NEXT_ID.load(Relaxed);
        Accounts {
            created: CREATED.each_ref().map(|n| n.load(Relaxed)),
            dropped: DROPPED.each_ref().map(|n| n.load(Relaxed)),
            dropped_ids: drop_bits()
                .iter()
                .map(|word| word.load(Relaxed).count_ones() as usize)
                .sum(),
            ids,
            dropped_twice: DROPPED_TWICE.load(Relaxed),
        }
    }

    #[track_caller]
    fn assert_each_dropped_once(&self, when: &str) {
        for kind in KINDS {
            let (created, dropped) = (self.created[kind as usize], self.dropped[kind as usize]);
            assert_eq!(
                created, dropped,
                "{kind:?}: {created} created, {dropped} dropped, {when}"
            );
        }
        assert_eq!(self.dropped_twice, 0, "values dropped twice, {when}");
        assert_eq!(self.dropped_ids, self.ids, "values never dropped, {when}");
    }

    /// Clears the ledger for the next round (no value may be live).
    fn reset() {
        for counter in CREATED.iter().chain(&DROPPED) {
            counter.store(0, Relaxed);
        }
        for word in drop_bits() {
            word.store(0, Relaxed);
        }
        NEXT_ID.store(0, Relaxed);
        DROPPED_TWICE.store(0, Relaxed);
    }
}

// ---- plans: what each generator does and when its timer fires ----------------------

/// splitmix64: deterministic, so a failing generator can be replayed from its seed and
/// index.
#[derive(Clone, Copy)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn small(&mut self, n: u8) -> u8 {
        self.below(u64::from(n)) as u8
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layer {
    Outer = 0,
    Middle = 1,
    Leaf = 2,
}

/// Where a task waited when its timer won: the value of its `pos` cell.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    /// The timer won before the consumer was first polled.
    Unstarted = 0,
    /// A layer's body waited on a real future: the middle and the leaf only inside a
    /// `yield from`, one or two deep.
    OuterBody = 1,
    MiddleBody = 2,
    LeafBody = 3,
    /// The consumer waited holding an item, the generator paused at that item's yield:
    /// inside a `yield from` when the middle or the leaf yielded it.
    HoldingOuter = 4,
    HoldingMiddle = 5,
    HoldingLeaf = 6,
}

const PLACES: [Place; 7] = [
    Place::Unstarted,
    Place::OuterBody,
    Place::MiddleBody,
    Place::LeafBody,
    Place::HoldingOuter,
    Place::HoldingMiddle,
    Place::HoldingLeaf,
];

impl Place {
    fn body(layer: Layer) -> Place {
        PLACES[1 + layer as usize]
    }

    fn holding(origin: Layer) -> Place {
        PLACES[4 + origin as usize]
    }

    fn in_delegation(self) -> bool {
        matches!(
            self,
            Place::MiddleBody | Place::LeafBody | Place::HoldingMiddle | Place::HoldingLeaf
        )
    }

    /// The outer generator's state when its task is cancelled here.
    fn state(self) -> GeneratorState {
        match self {
            Place::Unstarted => GeneratorState::Created,
            // Left waiting on the future, as `AsyncGen::state` documents.
            Place::OuterBody | Place::MiddleBody | Place::LeafBody => GeneratorState::Running,
            Place::HoldingOuter | Place::HoldingMiddle | Place::HoldingLeaf => {
                GeneratorState::Suspended
            }
        }
    }
}

/// A place in a plan where the task may pause.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Spot {
    /// Before a layer's `n`th yield (`n` = its item count: before it returns).
    Body(Layer, u8),
    /// In the consumer, holding the `n`th item, which that layer yielded.
    Holding(Layer, usize),
}

impl Spot {
    fn place(self) -> Place {
        match self {
            Spot::Body(layer, _) => Place::body(layer),
            Spot::Holding(origin, _) => Place::holding(origin),
        }
    }

    fn code(self) -> u64 {
        match self {
            Spot::Body(layer, n) => (layer as u64) << 8 | u64::from(n),
            Spot::Holding(_, n) => 1 << 32 | n as u64,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Pause {
    None,
    YieldNow,
    Sleep(Duration),
    /// An hour-long sleep: only the timer ends it.
    Park,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Race,
    Pinned(Spot),
    Complete,
}

const HOUR: Duration = Duration::from_secs(3600);

/// One layer's shape: items before its `yield from`, whether it delegates, items after.
#[derive(Clone, Copy, Debug)]
struct Shape {
    before: u8,
    delegates: bool,
    after: u8,
}

#[derive(Debug)]
struct Plan {
    index: u64,
    seed: u64,
    shapes: [Shape; 3],
    macro_form: bool,
    mode: Mode,
    timer: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Event {
    Pause(Spot),
    Item(Layer, u8),
}

impl Plan {
    fn new(seed: u64, index: u64) -> Plan {
        let seed = Rng::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03)).next();
        let mut rng = Rng::new(seed);
        let mut shape = |delegates: bool| Shape {
            before: rng.small(4),
            delegates: delegates && rng.below(3) != 0,
            after: rng.small(4),
        };
        let shapes = [shape(true), shape(true), shape(false)];
        let mut plan = Plan {
            index,
            seed,
            shapes,
            macro_form: rng.below(2) == 0,
            mode: Mode::Race,
            timer: Duration::ZERO,
        };
        (plan.mode, plan.timer) = match rng.below(10) {
            0..5 => (Mode::Race, Duration::from_millis(rng.below(10))),
            5..8 => (plan.pin(&mut rng), Duration::from_millis(rng.below(3))),
            _ => (Mode::Complete, HOUR),
        };
        plan
    }

    /// Chooses the pinned place, reshaping the plan so that the run reaches it.
    fn pin(&mut self, rng: &mut Rng) -> Mode {
        let layer = match rng.below(4) {
            0 => Layer::Outer,
            1 => Layer::Middle,
            2 => Layer::Leaf,
            _ => {
                if self.items().is_empty() {
                    self.shapes[0].before = 1;
                }
                let items = self.items();
                let n = rng.below(items.len() as u64) as usize;
                return Mode::Pinned(Spot::Holding(items[n].0, n));
            }
        };
        for shape in &mut self.shapes[..layer as usize] {
            shape.delegates = true;
        }
        let shape = self.shapes[layer as usize];
        Mode::Pinned(Spot::Body(layer, rng.small(shape.before + shape.after + 1)))
    }

    /// Everything the run does, in order, if nothing cancels it: the layers' bodies below,
    /// walked.
    fn events(&self) -> Vec<Event> {
        fn walk(plan: &Plan, layer: Layer, out: &mut Vec<Event>) {
            let shape = plan.shapes[layer as usize];
            let end = shape.before + shape.after;
            let items = |numbers: std::ops::Range<u8>, out: &mut Vec<Event>| {
                for n in numbers {
                    out.push(Event::Pause(Spot::Body(layer, n)));
                    out.push(Event::Item(layer, n));
                }
            };
            items(0..shape.before, out);
            if shape.delegates {
                walk(plan, [Layer::Middle, Layer::Leaf][layer as usize], out);
            }
            items(shape.before..end, out);
            out.push(Event::Pause(Spot::Body(layer, end)));
        }
        let mut events = Vec::new();
        walk(self, Layer::Outer, &mut events);
        events
    }

    /// The items the consumer receives if nothing cancels it.
    fn items(&self) -> Vec<(Layer, u8)> {
        let items = self.events().into_iter().filter_map(|event| match event {
            Event::Item(layer, n) => Some((layer, n)),
            Event::Pause(_) => None,
        });
        items.collect()
    }

    /// How many items the consumer has received when the run reaches `spot`.
    fn items_before(&self, spot: Spot) -> usize {
        match spot {
            Spot::Holding(_, n) => n + 1,
            Spot::Body(..) => {
                let events = self.events();
                let at = events.iter().position(|&e| e == Event::Pause(spot));
                let at = at.expect("a pinned spot is on the plan's path");
                let before = events[..at].iter().filter(|e| matches!(e, Event::Item(..)));
                before.count()
            }
        }
    }

    /// The pause at `spot`: a function of the plan and the spot alone, so that a layer
    /// needs no state of its own to find it.
    fn pause(&self, spot: Spot) -> Pause {
        match self.mode {
            Mode::Pinned(pinned) if pinned == spot => Pause::Park,
            Mode::Pinned(_) => Pause::None,
            Mode::Race | Mode::Complete => {
                let mut rng = Rng::new(self.seed ^ spot.code().wrapping_mul(0xA24B_AED4_963E_E407));
                match rng.below(10) {
                    0..4 => Pause::None,
                    4..7 => Pause::YieldNow,
                    _ => Pause::Sleep(Duration::from_millis(rng.below(3))),
                }
            }
        }
    }
}

// ---- the generators ---------------------------------------------------------------------

/// What the layers and the consumer of one task share (an `Arc`, not references: a
/// spawned future must be `Send` for every lifetime, which rustc cannot prove for borrows
/// threaded through these generic layers).
#[derive(Debug)]
struct Run {
    plan: Plan,
    /// The `Place` where the task last waited: set before every await that may return
    /// `Pending` to tokio, so it names the await a cancellation interrupts.
    pos: AtomicU8,
}

type Ctx = Arc<Run>;

impl Run {
    async fn pause(&self, spot: Spot) {
        let pause = self.plan.pause(spot);
        if !matches!(pause, Pause::None) {
            self.pos.store(spot.place() as u8, Relaxed);
        }
        match pause {
            Pause::None => {}
            Pause::YieldNow => tokio::task::yield_now().await,
            Pause::Sleep(duration) => tokio::time::sleep(duration).await,
            Pause::Park => tokio::time::sleep(HOUR).await,
        }
    }
}

#[derive(Debug)]
struct Item {
    origin: Layer,
    n: u8,
    _value: Counted,
}

impl Item {
    fn new(origin: Layer, n: u8) -> Item {
        let _value = Counted::new(Kind::Yielded);
        Item { origin, n, _value }
    }
}

/// The leaf: yields its items, pausing before each, and returns.
fn leaf(ctx: Ctx) -> AsyncGen<Item, (), impl Future<Output = Counted>> {
    let generator = Counted::new(Kind::Generator);
    AsyncGen::new(move |co: Co<Item>| async move {
        let _generator = generator;
        let _local = Counted::new(Kind::Local);
        let shape = ctx.plan.shapes[Layer::Leaf as usize];
        let _second = Counted::new(Kind::Local);
        for n in 0..shape.before + shape.after {
            ctx.pause(Spot::Body(Layer::Leaf, n)).await;
            co.yield_(Item::new(Layer::Leaf, n)).await;
        }
        ctx.pause(Spot::Body(Layer::Leaf, shape.before + shape.after))
            .await;
        Counted::new(Kind::Returned)
    })
}

/// A layer that may delegate to `child` with `yield_from_async` between its items.
fn delegating<C, F>(
    ctx: Ctx,
    layer: Layer,
    child: C,
) -> AsyncGen<Item, (), impl Future<Output = Counted>>
where
    C: FnOnce(Ctx) -> AsyncGen<Item, (), F>,
    F: Future<Output = Counted>,
{
    let generator = Counted::new(Kind::Generator);
    AsyncGen::new(move |co: Co<Item>| async move {
        let _generator = generator;
        let _local = Counted::new(Kind::Local);
        let shape = ctx.plan.shapes[layer as usize];
        for n in 0..shape.before {
            ctx.pause(Spot::Body(layer, n)).await;
            co.yield_(Item::new(layer, n)).await;
        }
        // The delegate's return value stays live, as a local, to the end of the body.
        let _returned = if shape.delegates {
            Some(co.yield_from_async(child(Arc::clone(&ctx))).await)
        } else {
            None
        };
        let _second = Counted::new(Kind::Local);
        for n in shape.before..shape.before + shape.after {
            ctx.pause(Spot::Body(layer, n)).await;
            co.yield_(Item::new(layer, n)).await;
        }
        ctx.pause(Spot::Body(layer, shape.before + shape.after))
            .await;
        Counted::new(Kind::Returned)
    })
}

fn middle(ctx: Ctx) -> AsyncGen<Item, (), impl Future<Output = Counted>> {
    delegating(ctx, Layer::Middle, leaf)
}

fn outer_core(ctx: Ctx) -> AsyncGen<Item, (), impl Future<Output = Counted>> {
    delegating(ctx, Layer::Outer, middle)
}

/// The outer layer again, in the macro's syntax: `yield from` as the macro expands it.
fn outer_macro(ctx: Ctx) -> AsyncGen<Item, (), impl Future<Output = Counted>> {
    let generator = Counted::new(Kind::Generator);
    async_generator! {
        let _generator = generator;
        let _local = Counted::new(Kind::Local);
        let shape = ctx.plan.shapes[Layer::Outer as usize];
        for n in 0..shape.before {
            ctx.pause(Spot::Body(Layer::Outer, n)).await;
            yield Item::new(Layer::Outer, n);
        }
        let mut _returned = None;
        if shape.delegates {
            let returned = yield from middle(Arc::clone(&ctx));
            _returned = Some(returned);
        }
        let _second = Counted::new(Kind::Local);
        for n in shape.before..shape.before + shape.after {
            ctx.pause(Spot::Body(Layer::Outer, n)).await;
            yield Item::new(Layer::Outer, n);
        }
        ctx.pause(Spot::Body(Layer::Outer, shape.before + shape.after)).await;
        Counted::new(Kind::Returned)
    }
}

// ---- one task: a consumer raced against a timer ---------------------------------------

#[derive(Clone, Copy, Debug)]
struct Outcome {
    mode: Mode,
    macro_form: bool,
    completed: bool,
    place: Place,
    items: usize,
}

async fn run_one(seed: u64, index: u64) -> Outcome {
    let ctx = Arc::new(Run {
        plan: Plan::new(seed, index),
        pos: AtomicU8::new(Place::Unstarted as u8),
    });
    if ctx.plan.macro_form {
        race(outer_macro(Arc::clone(&ctx)), &ctx).await
    } else {
        race(outer_core(Arc::clone(&ctx)), &ctx).await
    }
}

/// Consumes `generator` in `select!` against the plan's timer, checks what the race left,
/// and drops the generator.
async fn race<F>(mut generator: AsyncGen<Item, (), F>, ctx: &Run) -> Outcome
where
    F: Future<Output = Counted>,
{
    let plan = &ctx.plan;
    let expected = plan.items();
    let mut received = 0;
    let consume = async {
        while let Some(item) = generator.anext().await {
            assert_eq!(
                (item.origin, item.n),
                expected[received],
                "generator {}: item {received}: {plan:?}",
                plan.index
            );
            let spot = Spot::Holding(item.origin, received);
            received += 1;
            // Held across the pause: a cancellation there drops it with this future.
            ctx.pause(spot).await;
            drop(item);
        }
    };
    let timer = tokio::time::sleep(plan.timer);
    let completed = if let Mode::Pinned(_) = plan.mode {
        // The consumer is polled first, so its first poll runs (no pause on the way) to
        // the parked sleep: the timer can only win there.
        tokio::select! {
            biased;
            () = consume => true,
            () = timer => false,
        }
    } else {
        // Unbiased, as `select!` is by default: the timer may even win before the consumer
        // is first polled.
        tokio::select! {
            () = consume => true,
            () = timer => false,
        }
    };
    let place = PLACES[usize::from(ctx.pos.load(Relaxed))];
    if completed {
        assert_eq!(received, expected.len(), "{plan:?}");
        assert_eq!(generator.state(), GeneratorState::Closed, "{plan:?}");
        let returned = generator.take_return();
        assert_eq!(returned.map(|r| r.kind), Some(Kind::Returned), "{plan:?}");
        assert!(
            !matches!(plan.mode, Mode::Pinned(_)),
            "a pinned run completed: {plan:?}"
        );
    } else {
        assert_eq!(
            generator.state(),
            place.state(),
            "cancelled at {place:?}: {plan:?}"
        );
        match plan.mode {
            Mode::Pinned(spot) => {
                assert_eq!(place, spot.place(), "{plan:?}");
                assert_eq!(received, plan.items_before(spot), "{plan:?}");
            }
            Mode::Complete => panic!("an hour-long timer won: {plan:?}"),
            Mode::Race => {}
        }
    }
    // The cancellation: the body's live locals, its delegates and theirs all go here.
    drop(generator);
    Outcome {
        mode: plan.mode,
        macro_form: plan.macro_form,
        completed,
        place,
        items: received,
    }
}

// ---- the soak -------------------------------------------------------------------------

#[derive(Clone, Copy, Default, Debug)]
struct Tally {
    joined: u64,
    macro_form: u64,
    /// Per mode (race, pinned, complete): completed, cancelled.
    by_mode: [[u64; 2]; 3],
    cancelled_at: [u64; 7],
    items: u64,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        self.joined += 1;
        self.macro_form += u64::from(outcome.macro_form);
        let mode = match outcome.mode {
            Mode::Race => 0,
            Mode::Pinned(_) => 1,
            Mode::Complete => 2,
        };
        self.by_mode[mode][usize::from(!outcome.completed)] += 1;
        if !outcome.completed {
            self.cancelled_at[outcome.place as usize] += 1;
        }
        self.items += outcome.items as u64;
    }

    fn completed(&self) -> u64 {
        self.by_mode.iter().map(|m| m[0]).sum()
    }

    fn cancelled(&self) -> u64 {
        self.by_mode.iter().map(|m| m[1]).sum()
    }
}

/// Spawns `count` tasks, at most `window` alive at once, and joins every one.
async fn spawn_all(count: u64, window: usize, seed: u64) -> Tally {
    fn joined(tally: &mut Tally, joined: Option<Result<Outcome, tokio::task::JoinError>>) {
        match joined.expect("a task to join") {
            Ok(outcome) => tally.add(outcome),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a task did not finish: {error}"),
        }
    }
    let mut tasks = JoinSet::new();
    let mut tally = Tally::default();
    for index in 0..count {
        if tasks.len() >= window {
            joined(&mut tally, tasks.join_next().await);
        }
        tasks.spawn(run_one(seed, index));
    }
    while !tasks.is_empty() {
        joined(&mut tally, tasks.join_next().await);
    }
    tally
}

/// One round on a fresh runtime, dropped at the end; returns the tally and the ledger.
fn soak(count: u64, window: usize, seed: u64) -> (Tally, Accounts) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let tally = runtime.block_on(spawn_all(count, window, seed));
    assert_eq!(tally.joined, count, "every spawned task joined");
    // Cleanup is synchronous: with every task joined, everything is dropped already,
    // before the runtime's shutdown drops whatever its queues and timers still hold.
    let joined = Accounts::now();
    joined.assert_each_dropped_once("once every task was joined");
    drop(runtime);
    let shut_down = Accounts::now();
    assert_eq!(
        shut_down, joined,
        "the runtime's shutdown dropped counted values"
    );
    (tally, shut_down)
}

fn env_or(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value.replace(['_', ','], "").parse().unwrap_or_else(|_| {
            panic!("{name}={value}: not a number");
        }),
        Err(_) => default,
    }
}

/// Generators of the warm-up round, whose runtime first touches what is set up once per
/// process (thread-locals of this thread, tokio's statics): those are not the soak's.
const WARM_UP: u64 = 2_000;

#[test]
#[ignore = "a soak of 1,000,000 generators: run it in release with `-- --ignored --nocapture`"]
fn async_generators_cancelled_at_random_points_drop_everything_exactly_once() {
    let count = env_or("YIELDING_SOAK_COUNT", 1_000_000);
    let window = env_or("YIELDING_SOAK_WINDOW", 1_000) as usize;
    let seed = env_or("YIELDING_SOAK_SEED", 14);
    assert!(count > 0 && window > 0);
    let capacity = count.max(WARM_UP) as usize * COUNTED_PER_GENERATOR;
    DROP_BITS.get_or_init(|| {
        (0..capacity.div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect()
    });

    soak(WARM_UP, window.min(WARM_UP as usize), seed ^ 1);
    Accounts::reset();

    let rss_before = status_kib("VmRSS");
    let heap_before = LIVE_BYTES.load(Relaxed);
    let allocations_before = ALLOCATIONS.load(Relaxed);
    PEAK_BYTES.store(heap_before, Relaxed);
    let started = Instant::now();
    let (tally, accounts) = soak(count, window, seed);
    let elapsed = started.elapsed();
    let heap_after = LIVE_BYTES.load(Relaxed);
    let heap_peak = PEAK_BYTES.load(Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed) - allocations_before;
    let (rss_after, rss_peak) = (status_kib("VmRSS"), status_kib("VmHWM"));
    let rss_trimmed = if trim_heap() {
        status_kib("VmRSS")
    } else {
        None
    };

    // Figures first (printing allocates, so after the measurements), then the verdicts.
    let kib = |v: Option<u64>| v.map_or("n/a".to_string(), |v| format!("{v} KiB"));
    let names = ["race", "pinned", "complete"];
    println!("cancellation soak: seed {seed}, {window} tasks alive at most, 2 workers");
    println!(
        "  generators {count}: {} completed, {} cancelled ({} in a `yield from`); {} in \
         the macro's syntax; {} items received; {elapsed:.2?}",
        tally.completed(),
        tally.cancelled(),
        PLACES
            .iter()
            .filter(|p| p.in_delegation())
            .map(|&p| tally.cancelled_at[p as usize])
            .sum::<u64>(),
        tally.macro_form,
        tally.items,
    );
    for (name, [completed, cancelled]) in names.iter().zip(tally.by_mode) {
        println!("  {name:>8}: {completed} completed, {cancelled} cancelled");
    }
    for place in PLACES {
        let n = tally.cancelled_at[place as usize];
        println!("  cancelled at {place:?}: {n}");
    }
    for kind in KINDS {
        let (created, dropped) = (
            accounts.created[kind as usize],
            accounts.dropped[kind as usize],
        );
        println!("  {kind:?} values: {created} created, {dropped} dropped");
    }
    println!(
        "  drop ledger: {} ids, {} dropped, {} dropped twice",
        accounts.ids, accounts.dropped_ids, accounts.dropped_twice
    );
    println!(
        "  heap: {heap_before} bytes live before, {heap_peak} at the peak, {heap_after} \
         after ({allocations} allocations)"
    );
    println!(
        "  RSS: {} before, {} after, {} after malloc_trim, {} peak of the process",
        kib(rss_before),
        kib(rss_after),
        kib(rss_trimmed),
        kib(rss_peak)
    );

    accounts.assert_each_dropped_once("after the runtime shut down");
    assert_eq!(tally.completed() + tally.cancelled(), count);
    assert_eq!(
        heap_after, heap_before,
        "bytes live on the heap after the soak and its runtime were dropped"
    );
    if count >= 1_000 {
        // The pinned plans alone put a cancellation in every place a run can wait
        // (a few thousand generators cover them all).
        for place in &PLACES[1..] {
            assert_ne!(
                tally.cancelled_at[*place as usize], 0,
                "no cancellation at {place:?}"
            );
        }
    }
}
