/** vslab build: kernels for the chosen variants and the guest image, from the cache when possible. */
import { buildGuestImage } from '../build/guest-image.ts';
import { buildKernel } from '../build/kernel.ts';
import { KNOWN_VARIANTS, VARIANTS, type Variant } from '../build/kernel-config.ts';
import { archOption, jsonOption } from './args.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

export const buildCommand = defineCommand({
  program: 'vslab build',
  summary: 'build kernels and the guest image (cached under ~/.cache/vslab)',
  about: `Builds the kernel variant(s) (default: vserver) and the guest image for the architecture.
"all" builds ${VARIANTS.join(', ')} (the others only when named). Artifacts are cached under
~/.cache/vslab by a hash of their inputs; --force rebuilds the kernel anyway (incrementally).`,
  options: {
    arch: archOption,
    variant: { kind: 'enum', values: [...KNOWN_VARIANTS, 'all'], multiple: true, help: 'kernel variant (default vserver)' },
    force: { kind: 'flag', help: 'rebuild the kernel even if the cache has it' },
    json: jsonOption,
  },
  async run(values) {
    const { arch } = values;
    const asked = values.variant.length > 0 ? values.variant : ['vserver'];
    const variants: Variant[] = asked.includes('all') ? [...VARIANTS] : KNOWN_VARIANTS.filter((v) => asked.includes(v));
    const progress = makeProgress();
    const results = [];
    for (const variant of variants) {
      const k = await buildKernel({ arch, variant, progress, force: values.force });
      results.push({
        kind: 'kernel',
        variant,
        image: k.image,
        version: k.manifest.kernelVersion,
        debianVersion: k.manifest.debianVersion,
        key: k.manifest.key,
      });
    }
    const image = await buildGuestImage(arch, progress);
    results.push({ kind: 'initramfs', image: image.path, key: image.key });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${r.kind === 'kernel' ? `kernel ${arch}/${r.variant ?? ''}` : `initramfs ${arch}`}: ${r.image}\n`);
    }
    return 0;
  },
});
