package dev.jfaas.triggers;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.Provider;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider whose deploy and update refuse bad triggers (400) before anything is stored, and
 * whose deploy, update and remove start, change and stop the function's triggers at once.
 */
final class TriggeringProvider implements Provider {

    private final Provider inner;
    private final Triggers triggers;

    TriggeringProvider(Provider inner, Triggers triggers) {
        this.inner = inner;
        this.triggers = triggers;
    }

    @Override
    public Optional<DeployedFunction> find(FunctionName name) {
        return inner.find(name);
    }

    @Override
    public List<FunctionStatus> list(String namespace) {
        return inner.list(namespace);
    }

    @Override
    public Optional<FunctionStatus> status(FunctionName name) {
        return inner.status(name);
    }

    @Override
    public void deploy(FunctionDeployment deployment) {
        triggers.validate(deployment.annotations());
        inner.deploy(deployment);
        triggers.changed(deployment.validatedName(), deployment.annotations());
    }

    @Override
    public void update(FunctionDeployment deployment) {
        triggers.validate(deployment.annotations());
        inner.update(deployment);
        triggers.changed(deployment.validatedName(), deployment.annotations());
    }

    @Override
    public void remove(FunctionName name) {
        inner.remove(name);
        triggers.removed(name);
    }

    @Override
    public void scale(FunctionName name, int replicas) {
        inner.scale(name, replicas);
    }

    @Override
    public void secretChanged(String namespace, String secret) {
        inner.secretChanged(namespace, secret);
    }

    @Override
    public FunctionLogs logs() {
        return inner.logs();
    }

    @Override
    public Map<String, Object> info() {
        return inner.info();
    }

    @Override
    public void close() {
        inner.close();
    }
}
