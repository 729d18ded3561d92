package dev.jfaas.triggers;

import dev.jfaas.function.RequestRejected;
import dev.jfaas.triggers.schedule.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function's triggers, read from its annotations as the OpenFaaS connectors read them:
 * {@code topic: a,b} (the topic {@code cron-function} with {@code schedule: "*}{@code /5 * * * *"}
 * is the cron connector's), and jfaas's {@code com.jfaas.schedule.timezone}.
 */
public record TriggerSpec(Optional<Schedule> schedule, List<Topic> topics) {

    public static final String TOPIC = "topic";
    public static final String SCHEDULE = "schedule";
    public static final String TIMEZONE = "com.jfaas.schedule.timezone";
    public static final String CRON_TOPIC = "cron-function";
    static final int MAX_TOPICS = 32;
    public static final TriggerSpec NONE = new TriggerSpec(Optional.empty(), List.of());

    public TriggerSpec {
        topics = List.copyOf(topics);
    }

    /** @throws RequestRejected 400 for a bad schedule, timezone or topic */
    public static TriggerSpec of(Map<String, String> annotations) {
        if (annotations == null) {
            return NONE;
        }
        var topics = new ArrayList<Topic>();
        boolean cron = false;
        var topicText = annotations.get(TOPIC);
        if (topicText != null) {
            for (var part : topicText.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                if (part.strip().equals(CRON_TOPIC)) {
                    cron = true;
                } else {
                    var topic = Topic.parse(part);
                    if (!topics.contains(topic)) {
                        topics.add(topic);
                    }
                }
            }
        }
        if (topics.size() > MAX_TOPICS) {
            throw RequestRejected.invalid("a function may listen on at most " + MAX_TOPICS + " topics");
        }
        var scheduleText = annotations.get(SCHEDULE);
        if (cron && scheduleText == null) {
            throw RequestRejected.invalid("topic cron-function needs a schedule annotation, e.g. schedule: \"*/5 * * * *\"");
        }
        if (!cron && scheduleText != null) {
            throw RequestRejected.invalid("a schedule annotation needs topic: cron-function (as the OpenFaaS cron-connector reads it)");
        }
        var schedule = cron ? Optional.of(Schedule.parse(scheduleText, annotations.get(TIMEZONE))) : Optional.<Schedule>empty();
        return new TriggerSpec(schedule, topics);
    }

    /** The annotations a spec is read from: another function with the same ones has the same triggers. */
    public static Map<String, String> source(Map<String, String> annotations) {
        var out = new java.util.HashMap<String, String>();
        for (var key : List.of(TOPIC, SCHEDULE, TIMEZONE)) {
            if (annotations != null && annotations.containsKey(key)) {
                out.put(key, annotations.get(key));
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return schedule.isEmpty() && topics.isEmpty();
    }
}
