package io.smsrouter.core.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * The in-process {@link OptOutRegistry}: an open-addressing hash table keyed by the subscriber's
 * number, so that the check on every message is one hash and, for the common number that has no
 * opt-out, one cache line read, with nothing allocated.
 *
 * <h2>Layout</h2>
 * Three parallel arrays indexed by slot, linear probing, doubled when more than
 * {@value #MAX_LOAD} of the slots are taken:
 * <ul>
 *   <li>{@code long numbers[]}: the msisdn packed into a long ({@link Msisdn}), 0 for an empty slot.
 *       Each number has one slot, whatever the number of its entries: a number opted out of many
 *       senders cannot grow a long probe run that slows the lookups of other numbers.</li>
 *   <li>{@code int scopes[]}: the entry's scope id ({@link ScopeTable}: 0 global, then one id per
 *       (account) and per (account, sender) that ever had an opt-out), or, when the number has
 *       several entries, {@code ~i} for the {@code i}-th {@link Overflow}: its entries' scope ids
 *       sorted, checked by a binary search. Read only when the number matches.</li>
 *   <li>{@code long metas[]}: {@code atMs << 16 | source id}, for {@link #list} and {@link #forEach}
 *       only; never read on the lookup path.</li>
 * </ul>
 * 20 bytes a slot: at 10 million entries (2^24 slots, load 0.6) about 36 bytes an entry retained,
 * scopes, sources and overflows included, every field of every record kept (OptOutBenchmark
 * prints it); between 29 and 57 depending on where the count falls between two doublings.
 *
 * <p>Keys are exact, not hashes: the number is compared whole and the scope id resolves to the
 * account and sender strings, so a hash collision costs a probe, never a wrong answer (no false
 * "opted out", and above all no false "allowed", which the law fines). The slot hash is seeded
 * per instance, so that numbers chosen to collide in one process do not collide in another.
 *
 * <h2>Threads</h2>
 * Many readers, rare writers. A lookup is a {@link StampedLock#tryOptimisticRead() optimistic
 * read}: it reads the arrays without locking and keeps its answer if no write happened meanwhile
 * ({@link StampedLock#validate}), else it reads again under the read lock. Every index it
 * follows is checked against the array it reads and every loop is bounded, so that a torn view
 * gives a discarded answer, never an exception. Writers are serialized by a mutex and take the
 * write lock only for the few array stores of a change; a resize builds the new table while
 * holding only the mutex (readers keep using the old one, which nothing changes meanwhile) and
 * swaps it in under the write lock. {@link #list} and {@link #forEach} hold the mutex, not a read
 * lock: they hold up writers, never readers.
 */
public final class LocalOptOutRegistry implements OptOutRegistry {
    static final double MAX_LOAD = 0.7;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;
    /** Overflows up to this many entries compare their scopes' strings one by one instead of two scope lookups. */
    private static final int LINEAR_SCAN = 8;
    private static final int SOURCE_BITS = 16;
    private static final long SOURCE_MASK = (1L << SOURCE_BITS) - 1;

    private static final class Table {
        final long[] numbers;
        final int[] scopes;
        final long[] metas;
        final int threshold;

        Table(int capacity) {
            numbers = new long[capacity];
            scopes = new int[capacity];
            metas = new long[capacity];
            threshold = (int) (capacity * MAX_LOAD);
        }
    }

    /** The entries of a number that has more than one; immutable, replaced on change. */
    private static final class Overflow {
        final int[] scopes; // sorted ascending, so GLOBAL (0) comes first
        final long[] metas;

        Overflow(int[] scopes, long[] metas) {
            this.scopes = scopes;
            this.metas = metas;
        }

        Overflow with(int pos, int scope, long meta) {
            int n = scopes.length;
            int[] s = new int[n + 1];
            long[] m = new long[n + 1];
            System.arraycopy(scopes, 0, s, 0, pos);
            System.arraycopy(metas, 0, m, 0, pos);
            s[pos] = scope;
            m[pos] = meta;
            System.arraycopy(scopes, pos, s, pos + 1, n - pos);
            System.arraycopy(metas, pos, m, pos + 1, n - pos);
            return new Overflow(s, m);
        }

        Overflow without(int pos) {
            int n = scopes.length;
            int[] s = new int[n - 1];
            long[] m = new long[n - 1];
            System.arraycopy(scopes, 0, s, 0, pos);
            System.arraycopy(metas, 0, m, 0, pos);
            System.arraycopy(scopes, pos + 1, s, pos, n - pos - 1);
            System.arraycopy(metas, pos + 1, m, pos, n - pos - 1);
            return new Overflow(s, m);
        }
    }

    private final StampedLock lock = new StampedLock();
    private final Object writeMutex = new Object();
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final ScopeTable scopeTable = new ScopeTable();

    // read by lookups (optimistically), changed under the write lock
    private Table table;
    private Overflow[] overflows = new Overflow[16];

    // writers' and list's own state, under writeMutex
    private int usedSlots;
    private int overflowTop;
    private int[] freeOverflows = new int[16];
    private int freeOverflowCount;
    private final List<String> sources = new ArrayList<>();
    private final Map<String, Integer> sourceIds = new HashMap<>();

    private volatile long size;

    public LocalOptOutRegistry() {
        this(0);
    }

    /** Sized for {@code expectedNumbers} distinct numbers without a resize (recovery knows the count). */
    public LocalOptOutRegistry(int expectedNumbers) {
        int capacity = MIN_CAPACITY;
        while (capacity < MAX_CAPACITY && capacity * MAX_LOAD < expectedNumbers) {
            capacity <<= 1;
        }
        table = new Table(capacity);
    }

    // ---------------------------------------------------------------- the hot path

    @Override
    public boolean isOptedOut(String accountId, String sender, String msisdn) {
        long number = Msisdn.pack(msisdn);
        if (number == Msisdn.INVALID) {
            return false;
        }
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            boolean answer = lookup(accountId, sender, number);
            if (lock.validate(stamp)) {
                return answer;
            }
        }
        stamp = lock.readLock();
        try {
            return lookup(accountId, sender, number);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private boolean lookup(String accountId, String sender, long number) {
        Table t = table;
        long[] numbers = t.numbers;
        int mask = numbers.length - 1;
        int i = home(number) & mask;
        for (int probes = 0; probes <= mask; probes++) {
            long k = numbers[i];
            if (k == number) {
                int s = t.scopes[i];
                return s >= 0 ? scopeTable.covers(s, accountId, sender) : overflowCovers(~s, accountId, sender);
            }
            if (k == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private boolean overflowCovers(int index, String accountId, String sender) {
        Overflow[] all = overflows;
        if (index >= all.length || all[index] == null) {
            return false; // a torn view: validate() fails and the read is repeated
        }
        int[] s = all[index].scopes;
        if (s.length > 0 && s[0] == ScopeTable.GLOBAL) {
            return true;
        }
        if (accountId == null) {
            return false;
        }
        if (s.length <= LINEAR_SCAN) {
            for (int scope : s) {
                if (scopeTable.covers(scope, accountId, sender)) {
                    return true;
                }
            }
            return false;
        }
        int account = scopeTable.find(accountId, null);
        if (account == ScopeTable.NONE) {
            return false; // every sender scope has its account's scope: none of this account
        }
        if (Arrays.binarySearch(s, account) >= 0) {
            return true;
        }
        int own = sender == null ? ScopeTable.NONE : scopeTable.find(accountId, sender);
        return own != ScopeTable.NONE && Arrays.binarySearch(s, own) >= 0;
    }

    private int home(long number) {
        long h = number ^ seed; // murmur3 fmix64
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    // ---------------------------------------------------------------- changes

    @Override
    public boolean add(OptOut optOut) {
        long number = Msisdn.pack(optOut.msisdn());
        synchronized (writeMutex) {
            long meta = optOut.atMs() << SOURCE_BITS | sourceId(optOut.source());
            int scope = scopeTable.find(optOut.accountId(), optOut.sender());
            int slot = slotOf(number);
            if (slot >= 0 && scope != ScopeTable.NONE && holds(slot, scope)) {
                return false;
            }
            if (slot < 0) {
                growIfFull();
            }
            long stamp = lock.writeLock();
            try {
                if (scope == ScopeTable.NONE) {
                    scope = scopeTable.intern(optOut.accountId(), optOut.sender());
                }
                Table t = table;
                if (slot < 0) {
                    int i = freeSlotOf(t, number);
                    t.numbers[i] = number;
                    t.scopes[i] = scope;
                    t.metas[i] = meta;
                    usedSlots++;
                } else if (t.scopes[slot] >= 0) {
                    int index = allocateOverflow();
                    int other = t.scopes[slot];
                    overflows[index] = other < scope
                            ? new Overflow(new int[] {other, scope}, new long[] {t.metas[slot], meta})
                            : new Overflow(new int[] {scope, other}, new long[] {meta, t.metas[slot]});
                    t.scopes[slot] = ~index;
                    t.metas[slot] = 0;
                } else {
                    int index = ~t.scopes[slot];
                    Overflow o = overflows[index];
                    overflows[index] = o.with(-Arrays.binarySearch(o.scopes, scope) - 1, scope, meta);
                }
                size++;
                return true;
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    @Override
    public boolean remove(String accountId, String sender, String msisdn) {
        long number = Msisdn.pack(msisdn);
        if (number == Msisdn.INVALID) {
            return false;
        }
        synchronized (writeMutex) {
            int scope = scopeTable.find(accountId, sender);
            int slot = slotOf(number);
            if (scope == ScopeTable.NONE || slot < 0 || !holds(slot, scope)) {
                return false;
            }
            long stamp = lock.writeLock();
            try {
                Table t = table;
                int s = t.scopes[slot];
                if (s >= 0) {
                    deleteSlot(t, slot);
                    usedSlots--;
                } else {
                    Overflow o = overflows[~s];
                    int pos = Arrays.binarySearch(o.scopes, scope);
                    if (o.scopes.length == 2) {
                        t.scopes[slot] = o.scopes[1 - pos];
                        t.metas[slot] = o.metas[1 - pos];
                        overflows[~s] = null;
                        freeOverflow(~s);
                    } else {
                        overflows[~s] = o.without(pos);
                    }
                }
                size--;
                return true;
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    /** The slot of {@code number}, or -1; under the mutex. */
    private int slotOf(long number) {
        Table t = table;
        int mask = t.numbers.length - 1;
        for (int i = home(number) & mask; ; i = (i + 1) & mask) {
            long k = t.numbers[i];
            if (k == number) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    private static int freeSlot(long[] numbers, int home) {
        int mask = numbers.length - 1;
        int i = home & mask;
        while (numbers[i] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private int freeSlotOf(Table t, long number) {
        return freeSlot(t.numbers, home(number));
    }

    private boolean holds(int slot, int scope) {
        int s = table.scopes[slot];
        return s >= 0 ? s == scope : Arrays.binarySearch(overflows[~s].scopes, scope) >= 0;
    }

    /** Backward-shift deletion: no tombstones, so lookups of absent numbers stay short after removals. */
    private void deleteSlot(Table t, int slot) {
        long[] numbers = t.numbers;
        int mask = numbers.length - 1;
        int hole = slot;
        for (int j = (slot + 1) & mask; numbers[j] != 0; j = (j + 1) & mask) {
            int home = home(numbers[j]) & mask;
            // the entry at j may fill the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                numbers[hole] = numbers[j];
                t.scopes[hole] = t.scopes[j];
                t.metas[hole] = t.metas[j];
                hole = j;
            }
        }
        numbers[hole] = 0;
        t.scopes[hole] = 0;
        t.metas[hole] = 0;
    }

    private void growIfFull() {
        Table old = table;
        if (usedSlots < old.threshold) {
            return;
        }
        if (old.numbers.length >= MAX_CAPACITY) {
            throw new IllegalStateException("opt-out table full: " + usedSlots + " numbers");
        }
        // built while lookups go on reading the old table, which only writers change, and we are the writer
        Table bigger = new Table(old.numbers.length * 2);
        for (int i = 0; i < old.numbers.length; i++) {
            long k = old.numbers[i];
            if (k != 0) {
                int j = freeSlot(bigger.numbers, home(k));
                bigger.numbers[j] = k;
                bigger.scopes[j] = old.scopes[i];
                bigger.metas[j] = old.metas[i];
            }
        }
        long stamp = lock.writeLock();
        table = bigger;
        lock.unlockWrite(stamp);
    }

    private int allocateOverflow() {
        if (freeOverflowCount > 0) {
            return freeOverflows[--freeOverflowCount];
        }
        if (overflowTop == overflows.length) {
            overflows = Arrays.copyOf(overflows, overflowTop * 2);
        }
        return overflowTop++;
    }

    private void freeOverflow(int index) {
        if (freeOverflowCount == freeOverflows.length) {
            freeOverflows = Arrays.copyOf(freeOverflows, freeOverflowCount * 2);
        }
        freeOverflows[freeOverflowCount++] = index;
    }

    private int sourceId(String source) {
        Integer id = sourceIds.get(source);
        if (id != null) {
            return id;
        }
        if (sources.size() > SOURCE_MASK) {
            throw new IllegalArgumentException("more than " + (SOURCE_MASK + 1) + " distinct opt-out sources: " + source);
        }
        sources.add(source);
        sourceIds.put(source, sources.size() - 1);
        return sources.size() - 1;
    }

    // ---------------------------------------------------------------- reports

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<OptOut> list(String accountId, String msisdn, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        long number = 0;
        if (msisdn != null) {
            number = Msisdn.pack(msisdn);
            if (number == Msisdn.INVALID) {
                return List.of();
            }
        }
        synchronized (writeMutex) {
            boolean[] wanted = new boolean[scopeTable.size()];
            for (int id = 0; id < wanted.length; id++) {
                wanted[id] = accountId == null || accountId.equals(scopeTable.account(id));
            }
            // the worst of the best so far at the head
            PriorityQueue<Row> best = new PriorityQueue<>(Math.min(limit, 1024) + 1, NEWEST_FIRST.reversed());
            Consumer<Row> offer = row -> {
                if (wanted[row.scope]) {
                    best.add(row);
                    if (best.size() > limit) {
                        best.poll();
                    }
                }
            };
            if (msisdn != null) {
                int slot = slotOf(number);
                if (slot >= 0) {
                    rowsOf(table, slot, offer);
                }
            } else {
                Table t = table;
                for (int i = 0; i < t.numbers.length; i++) {
                    if (t.numbers[i] != 0) {
                        rowsOf(t, i, offer);
                    }
                }
            }
            List<OptOut> out = new ArrayList<>(best.size());
            while (!best.isEmpty()) {
                out.add(toOptOut(best.poll()));
            }
            Collections.reverse(out);
            return out;
        }
    }

    @Override
    public void forEach(Consumer<OptOut> action) {
        Objects.requireNonNull(action, "action");
        synchronized (writeMutex) {
            Table t = table;
            for (int i = 0; i < t.numbers.length; i++) {
                if (t.numbers[i] != 0) {
                    rowsOf(t, i, row -> action.accept(toOptOut(row)));
                }
            }
        }
    }

    private record Row(long number, int scope, long meta) {
    }

    private static final Comparator<Row> NEWEST_FIRST = Comparator.comparingLong((Row r) -> -(r.meta >>> SOURCE_BITS))
            .thenComparingLong(Row::number).thenComparingInt(Row::scope);

    private void rowsOf(Table t, int slot, Consumer<Row> sink) {
        long number = t.numbers[slot];
        int s = t.scopes[slot];
        if (s >= 0) {
            sink.accept(new Row(number, s, t.metas[slot]));
        } else {
            Overflow o = overflows[~s];
            for (int j = 0; j < o.scopes.length; j++) {
                sink.accept(new Row(number, o.scopes[j], o.metas[j]));
            }
        }
    }

    private OptOut toOptOut(Row row) {
        return new OptOut(scopeTable.account(row.scope), scopeTable.sender(row.scope), Msisdn.unpack(row.number),
                row.meta >>> SOURCE_BITS, sources.get((int) (row.meta & SOURCE_MASK)));
    }

    /** Slots in the table, for tests and footprint reports. */
    int capacity() {
        return table.numbers.length;
    }

    @Override
    public String toString() {
        return "LocalOptOutRegistry[" + size + " entries, " + capacity() + " slots]";
    }
}
