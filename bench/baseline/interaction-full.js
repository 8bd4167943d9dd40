// The naive "full" baseline: everything include=all reads, fetched one call after another, as
// hand-written functions usually do. Benchmarked, never deployed.
exports.handler = async function (context, event, callback) {
  const client = context.getTwilioClient();
  try {
    const interaction = await client.flexApi.v1.interaction(event.InteractionSid).fetch();
    const channels = await client.flexApi.v1.interaction(interaction.sid).channels.list();
    const participants = [];
    const invites = [];
    for (const channel of channels) {
      participants.push(await client.flexApi.v1.interaction(interaction.sid).channels(channel.sid).participants.list());
      invites.push(await client.flexApi.v1.interaction(interaction.sid).channels(channel.sid).invites.list());
    }
    const task = interaction.routing.properties;
    const attributes = JSON.parse(task.attributes);
    const conversation = await client.conversations.v1.conversations(attributes.conversationSid).fetch();
    const conversationParticipants = await client.conversations.v1.conversations(attributes.conversationSid).participants.list();
    const liveTask = await client.taskrouter.v1.workspaces(task.workspace_sid).tasks(task.sid).fetch();
    return callback(null, { interaction, channels, participants, invites, conversation, conversationParticipants, task: liveTask });
  } catch (error) {
    return callback(error);
  }
};
