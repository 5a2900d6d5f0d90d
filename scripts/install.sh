#!/usr/bin/env bash
# Installs disd so that it is callable by name: publishes the CLI (framework-dependent, linux-x64, with the CPU libtorch,
# the demo models and the GLIBCXX weak patch of Directory.Build.targets applied to the published libLibTorchSharp.so)
# into <prefix>/lib/disd and links <prefix>/bin/disd to it. The .NET apphost resolves its real path through the link,
# so it finds its libraries and models beside it.
# Usage: scripts/install.sh [prefix]   (default ~/.local; /usr/local for all users, as root)
# Why not a `dotnet tool`: a tool package carries its native assets inside the .nupkg, here ~1 GB of libtorch that
# NuGet would zip and unzip on every install, and tool packages are RID-neutral unless built per runtime; a published
# folder is what the native libraries need (and what scripts/gpu-bundle.sh already ships), without the package detour.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-$HOME/.local}
target="$prefix/lib/disd"
rm -rf "$target.new"
dotnet publish src/DISD.Cli -c Release -r linux-x64 --self-contained false -o "$target.new" -v quiet -nologo
rm -rf "$target" && mv "$target.new" "$target"
mkdir -p "$prefix/bin"
ln -sfn "$target/disd" "$prefix/bin/disd"
echo "installed: $prefix/bin/disd -> $target/disd ($(du -sh "$target" | cut -f1))" >&2
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: add $prefix/bin to PATH (export PATH=\"$prefix/bin:\$PATH\")" >&2 ;; esac
