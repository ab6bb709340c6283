import { DiskProbe } from './disk.probe';

describe('DiskProbe', () => {
  it('reports the free percentage of the main path', async () => {
    const result = await new DiskProbe({
      path: '/',
      logPath: undefined,
      minFreePercent: 0,
    }).run();
    expect(result).toEqual({
      healthy: true,
      data: {
        main_disk_free_percent: expect.any(Number),
        details: expect.stringMatching(/^Disk space: \d+\.\d% free$/),
      },
    });
  });

  it('is down below the threshold, and down with the reason when a path cannot be read', async () => {
    const result = await new DiskProbe({
      path: '/',
      logPath: '/nonexistent-prs-logs',
      minFreePercent: 100,
    }).run();
    const free = result.data.main_disk_free_percent as number;
    expect(result).toEqual({
      healthy: false,
      data: {
        main_disk_free_percent: free,
        error: `${free}% free on / is below 100%; cannot read free space of /nonexistent-prs-logs (ENOENT)`,
        details: `Disk space: ${free.toFixed(1)}% free`,
      },
    });
  });

  it('measures the log path too', async () => {
    const result = await new DiskProbe({
      path: '/',
      logPath: '/tmp',
      minFreePercent: 0,
    }).run();
    expect(result.data).toMatchObject({
      main_disk_free_percent: expect.any(Number),
      log_disk_free_percent: expect.any(Number),
    });
  });
});
