/** A deploy config for the tests (stacks, producer): the earthquake dataset of docs/datasets.md plus air-quality stations (so its producer is scheduled). */
export const CONFIG = {
  // The infra test's stage "cfg" is production here: it keeps its buckets and logs, 90 days.
  productionStages: ["cfg", "live"],
  logRetentionDays: 90,
  datasets: {
    air_quality: { subjects: ["2178", "8118"], schedule: "rate(2 hours)" },
    stocks: { enabled: false },
    quakes: {
      subjects: ["us", "ak"],
      schedule: "rate(30 minutes)",
      source: {
        type: "rest",
        client: { base_url: "https://api.quakes.example/v1/", auth: { type: "api_key", name: "X-Api-Key", location: "header", secret: "QUAKES_API_KEY" }, paginator: { type: "json_link", next_url_path: "links.next" } },
        endpoint: { path: "events", params: { starttime: "{from}", endtime: "{to}", region: "{subject}" }, data_selector: "features" },
        fields: { id: "id", magnitude: "properties.mag", event_time: "properties.time", depth_km: "geometry.coordinates[2]" },
      },
      schema: [
        { name: "id", type: "string", nullable: false },
        { name: "magnitude", type: "double" },
        { name: "event_time", type: "timestamp", nullable: false },
        { name: "depth_km", type: "double", nullable: false },
      ],
      key: ["id"],
      time: { column: "event_time", format: "epoch_ms" },
    },
  },
};

