package dev.jfaas.settings;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** The known name a mistyped one most likely meant. */
final class Spelling {

    private Spelling() {}

    /** The closest of {@code known} by edit distance, if it is close enough to be a typo. */
    static Optional<String> closest(String name, Collection<String> known) {
        int allowed = Math.max(2, name.length() / 4);
        return known.stream()
                .map(candidate -> new Scored(candidate, distance(name, candidate)))
                .filter(scored -> scored.distance() <= allowed)
                .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .map(Scored::name);
    }

    private record Scored(String name, int distance) {}

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        var previous = new int[b.length() + 1];
        var current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
