import { osrmProfile, parseTableDurations, tableUrl } from './osrm-table';

describe('OSRM table service', () => {
  it('asks for every origin to the one destination, lng before lat', () => {
    const url = tableUrl('http://osrm:5000/', 'driving', [{ latE6: 45_501_700, lngE6: -73_567_300 }, { latE6: 45_510_000, lngE6: -73_560_000 }], {
      latE6: 45_520_000,
      lngE6: -73_580_000,
    });
    expect(url).toBe(
      'http://osrm:5000/table/v1/driving/-73.567300,45.501700;-73.560000,45.510000;-73.580000,45.520000?sources=0;1&destinations=2&annotations=duration',
    );
  });

  it('rides bikes and drives cars', () => {
    expect(osrmProfile('cargo_bike')).toBe('cycling');
    expect(osrmProfile('van')).toBe('driving');
  });

  it('rounds durations to whole seconds and leaves unroutable pairs null', () => {
    expect(parseTableDurations({ code: 'Ok', durations: [[123.4], [null], [59.5]] }, 3)).toEqual([123, null, 60]);
  });

  it('gives nulls for an error answer or a table of the wrong shape, so the ETA model takes over', () => {
    expect(parseTableDurations({ code: 'NoRoute' }, 2)).toEqual([null, null]);
    expect(parseTableDurations({ code: 'Ok', durations: [[1]] }, 2)).toEqual([null, null]);
    expect(parseTableDurations({ code: 'Ok', durations: [[-5], ['7']] }, 2)).toEqual([null, null]);
    expect(parseTableDurations(undefined, 1)).toEqual([null]);
  });
});
