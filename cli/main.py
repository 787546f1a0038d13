"""The `zkc` command: the click group and the one place errors become exit codes."""

import sys

import click

from zkc.cli.audit_cmd import audit_command
from zkc.cli.bench_cmd import bench_command
from zkc.cli.compile_cmd import compile_command
from zkc.cli.evm_cmds import evm_group
from zkc.cli.inspect_cmd import inspect_command
from zkc.cli.package_cmd import package_command
from zkc.cli.plan_cmd import plan_command
from zkc.cli.proof_cmds import prove_command, run_command, verify_command
from zkc.cli.query_cmd import query_command
from zkc.cli.registry_cmds import commit_command, publish_command, pull_command
from zkc.cli.serve_cmd import serve_command
from zkc.cli.verifier_cmds import export_verifier_command
from zkc.cli.zoo_cmd import zoo_group
from zkc.compiler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="zkc")
def cli(debug):
    """zkc: compile ONNX models into zero-knowledge circuits, prove and verify inferences.

    \b
    Example (end to end):
      zkc zoo export lenet_digits -o build/lenet.onnx --calibration build/calib.npz
      zkc compile build/lenet.onnx --calibration build/calib.npz -o build/lenet.zkc --dev-srs
      zkc prove build/lenet.zkc input.json -o proof.json
      zkc verify build/lenet.zkc proof.json
    """


for command in (
    compile_command,
    prove_command,
    verify_command,
    run_command,
    inspect_command,
    package_command,
    serve_command,
    query_command,
    publish_command,
    commit_command,
    pull_command,
    zoo_group,
    bench_command,
    audit_command,
    plan_command,
    export_verifier_command,
    evm_group,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; a user's mistake is one line on stderr and exit 2, a failed check exit 1."""
    from zkc.compiler.artifacts.room import disk_full, is_disk_full
    from zkc.compiler.errors import ZkcError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        try:
            cli.main(args=argv, prog_name="zkc", standalone_mode=False)
        except OSError as exc:  # a full disk wherever it was met: one line, the path named
            if is_disk_full(exc) and not debug:
                raise disk_full(exc) from exc
            raise
    except ZkcError as exc:
        if debug:
            raise
        click.echo(f"zkc: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("zkc: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def entry() -> None:
    """Console-script wrapper."""
    sys.exit(main())
