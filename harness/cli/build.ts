/** vslab build: kernels for the chosen variants and the guest image, from the cache when possible. */
import { buildGuestImage } from '../build/guest-image.ts';
import { buildKernel } from '../build/kernel.ts';
import { KNOWN_VARIANTS, VARIANTS, type Variant } from '../build/kernel-config.ts';
import { archOf, parse, variantOf } from './args.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab build [--arch i386|x86_64|arm|arm64] [--variant NAME|all]... [--force] [--json]

Builds the kernel variant(s) (default: vserver) and the guest image for the architecture.
Variants: ${KNOWN_VARIANTS.join(', ')}; "all" builds ${VARIANTS.join(', ')} (vserver-distro only when named). Artifacts are cached under
~/.cache/vslab by a hash of their inputs; --force rebuilds the kernel anyway (incrementally).`;

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    arch: { type: 'string' },
    variant: { type: 'string', multiple: true },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const arch = archOf(values['arch']);
  const asked = (values['variant'] as string[] | undefined) ?? ['vserver'];
  const variants: Variant[] = asked.includes('all') ? [...VARIANTS] : asked.map((v) => variantOf(v));
  const progress = makeProgress();
  const results = [];
  for (const variant of variants) {
    const k = await buildKernel({ arch, variant, progress, force: values['force'] === true });
    results.push({ kind: 'kernel', variant, image: k.image, version: k.manifest.kernelVersion, debianVersion: k.manifest.debianVersion, key: k.manifest.key });
  }
  const image = await buildGuestImage(arch, progress);
  results.push({ kind: 'initramfs', image: image.path, key: image.key });
  if (values['json'] === true) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    for (const r of results) process.stdout.write(`${r.kind === 'kernel' ? `kernel ${arch}/${r.variant ?? ''}` : `initramfs ${arch}`}: ${r.image}\n`);
  }
  return 0;
}
