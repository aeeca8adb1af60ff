/**
 * `cse-bootstrap`, the helper the cloud-init writes to the bootstrap VM. It is constant: every value it needs comes
 * from the settings file, never from its own text, so nothing user-supplied is ever part of a script.
 *
 *   cse-bootstrap run <phase> -- <command…>   run one command of a phase within the phase's time limit; on failure
 *                                             report the phase as failed (with the output's tail) and stop the rest
 *   cse-bootstrap report <phase> [--kubeconfig FILE]   report the phase as succeeded
 *   cse-bootstrap fetch-kubeconfig            write the workload cluster's kubeconfig (clusterctl get kubeconfig)
 *   cse-bootstrap fetch-addon <name>          download an add-on manifest (settings `addons`) to its file, refusing it
 *                                             unless its sha256 is the configured one
 *
 * Reports go to the settings' report URL with a bearer token obtained from the owner's API token and the one-time
 * secret in its header. Python 3 is on every image that runs cloud-init, which is itself written in Python.
 * The settings' `environment` (the provider's proxy variables) applies to the commands and the reports.
 * `CSE_BOOTSTRAP_SETTINGS` overrides the settings path (tests use it).
 */
export const bootstrapHelperScript = `#!/usr/bin/env python3
"""CSE bootstrap helper: runs the bootstrap phases and reports them to CSE through VCD."""
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SETTINGS_PATH = os.environ.get("CSE_BOOTSTRAP_SETTINGS", "/etc/cse/bootstrap.json")


def load_settings():
    with open(SETTINGS_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def read_secret(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def log(settings, line):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(settings["files"]["log"], "a", encoding="utf-8") as handle:
        handle.write(stamp + " " + line + "\\n")


def state_path(settings, name):
    directory = settings["files"]["stateDir"]
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return os.path.join(directory, name)


def has_failed(settings):
    return os.path.exists(state_path(settings, "failed"))


def access_token(settings):
    form = {"grant_type": "refresh_token", "refresh_token": read_secret(settings["files"]["apiToken"])}
    request = urllib.request.Request(
        settings["vcd"]["tokenUrl"],
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["access_token"]


def send_report(settings, phase, status, message="", kubeconfig=None):
    body = {"phase": phase, "status": status, "message": message[-4000:]}
    if kubeconfig is not None:
        body["kubeconfig"] = kubeconfig
    data = json.dumps(body).encode()
    report = settings["report"]
    for attempt in range(1, 7):
        try:
            request = urllib.request.Request(
                report["url"],
                data=data,
                method="POST",
                headers={
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                    "Authorization": "Bearer " + access_token(settings),
                    report["secretHeader"]: read_secret(settings["files"]["reportSecret"]),
                },
            )
            with urllib.request.urlopen(request, timeout=30):
                log(settings, "reported %s %s" % (phase, status))
                return True
        except urllib.error.HTTPError as error:
            log(settings, "report %s %s refused: HTTP %d" % (phase, status, error.code))
            if 400 <= error.code < 500 and error.code not in (408, 429):
                return False
        except (OSError, ValueError, KeyError) as error:
            log(settings, "report %s %s failed: %s" % (phase, status, error))
        time.sleep(min(2 ** attempt, 30))
    return False


def phase_deadline(settings, phase):
    limits = {entry["name"]: entry["timeoutSeconds"] for entry in settings["phases"]}
    if phase not in limits:
        raise SystemExit("unknown phase " + phase)
    marker = state_path(settings, phase + ".started")
    if not os.path.exists(marker):
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(str(time.time()))
    with open(marker, encoding="utf-8") as handle:
        return float(handle.read()) + limits[phase]


def fail(settings, phase, message):
    with open(state_path(settings, "failed"), "w", encoding="utf-8") as handle:
        handle.write(phase + "\\n" + message)
    log(settings, "phase %s failed: %s" % (phase, message))
    send_report(settings, phase, "failed", message)
    return 1


def command_environment():
    env = dict(os.environ)
    env.setdefault("HOME", "/root")
    env["PATH"] = "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:" + env.get("PATH", "")
    return env


def run(settings, phase, argv):
    if has_failed(settings):
        return 1
    remaining = phase_deadline(settings, phase) - time.time()
    if remaining <= 0:
        return fail(settings, phase, "phase %s ran out of time before %s" % (phase, argv[0]))
    log(settings, "phase %s: %s" % (phase, " ".join(argv)))
    try:
        done = subprocess.run(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=remaining, env=command_environment()
        )
    except subprocess.TimeoutExpired:
        return fail(settings, phase, "%s did not finish within the %s phase's time limit" % (argv[0], phase))
    except OSError as error:
        return fail(settings, phase, "%s could not run: %s" % (argv[0], error))
    output = done.stdout.decode("utf-8", "replace")
    with open(settings["files"]["log"], "a", encoding="utf-8") as handle:
        handle.write(output)
    if done.returncode != 0:
        return fail(settings, phase, "%s exited with %d: %s" % (argv[0], done.returncode, output[-2000:]))
    return 0


def report(settings, phase, kubeconfig_path=None):
    if has_failed(settings):
        return 1
    kubeconfig = None
    if kubeconfig_path is not None:
        with open(kubeconfig_path, encoding="utf-8") as handle:
            kubeconfig = handle.read()
    return 0 if send_report(settings, phase, "succeeded", "", kubeconfig) else 1


def fetch_kubeconfig(settings):
    files = settings["files"]
    argv = ["clusterctl", "get", "kubeconfig", settings["clusterName"], "--namespace", settings["namespace"],
            "--kubeconfig", files["kindKubeconfig"]]
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=command_environment())
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        return done.returncode
    descriptor = os.open(files["workloadKubeconfig"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(done.stdout)
    return 0


def fetch_addon(settings, name):
    addon = next((entry for entry in settings.get("addons", []) if entry["name"] == name), None)
    if addon is None:
        sys.stderr.write("no add-on named %s in the settings\\n" % name)
        return 2
    request = urllib.request.Request(addon["url"], headers={"Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
    except (OSError, ValueError) as error:
        sys.stderr.write("cannot download the %s manifest from %s: %s\\n" % (name, addon["url"], error))
        return 1
    digest = hashlib.sha256(body).hexdigest()
    if digest != addon["sha256"]:
        sys.stderr.write(
            "the %s manifest from %s has sha256 %s, not the configured %s; refusing to apply it\\n"
            % (name, addon["url"], digest, addon["sha256"])
        )
        return 1
    os.makedirs(os.path.dirname(addon["file"]), mode=0o755, exist_ok=True)
    with open(addon["file"], "wb") as handle:
        handle.write(body)
    return 0


def main(args):
    settings = load_settings()
    # The provider's proxy, for the commands and for this helper's own reports.
    os.environ.update(settings.get("environment", {}))
    if len(args) >= 4 and args[0] == "run" and args[2] == "--":
        return run(settings, args[1], args[3:])
    if len(args) == 2 and args[0] == "report":
        return report(settings, args[1])
    if len(args) == 4 and args[0] == "report" and args[2] == "--kubeconfig":
        return report(settings, args[1], args[3])
    if args == ["fetch-kubeconfig"]:
        return fetch_kubeconfig(settings)
    if len(args) == 2 and args[0] == "fetch-addon":
        return fetch_addon(settings, args[1])
    sys.stderr.write("usage: cse-bootstrap run PHASE -- COMMAND... | report PHASE [--kubeconfig FILE] | fetch-kubeconfig | fetch-addon NAME\\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
`;
